"""Example proposals written from the paper, with their expected verdicts (package data;
see ccrules.resources)."""
