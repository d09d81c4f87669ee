"""Reading an application document and suggesting answers from it (issue 25)."""
