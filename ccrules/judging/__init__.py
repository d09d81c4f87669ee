"""Judging: facts to a judgement (the judge), what the verdict policy makes of it, and the
Evaluation that carries the result."""
