"""The text pipeline: spaCy's blank English tokenizer with its rule-based sentencizer (no
model to download), and one Matcher holding every intake pattern."""

from __future__ import annotations

from functools import cache

import spacy
from spacy.language import Language
from spacy.matcher import Matcher


@cache
def nlp() -> Language:
    pipeline = spacy.blank("en")
    pipeline.add_pipe("sentencizer")
    return pipeline


@cache
def matchers(patterns) -> tuple[Matcher, Matcher]:  # noqa: ANN001 (Patterns, hashable by id)
    """The phrases' Matcher and the `within` phrases' Matcher, built once per pattern set."""
    vocab = nlp().vocab
    phrases, within = Matcher(vocab, validate=True), Matcher(vocab, validate=True)
    for key, compiled in patterns.token_patterns.items():
        phrases.add(key, compiled)
    for key, compiled in patterns.within_patterns.items():
        within.add(key, compiled)
    return phrases, within
