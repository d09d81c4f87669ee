"""Screening: one proposal to a full Evaluation, what-if side by side, and a round of many."""
