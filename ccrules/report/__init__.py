"""Reports: the sections of an evaluation's report, computed once, rendered as text,
Markdown and (by the web pages) HTML."""
