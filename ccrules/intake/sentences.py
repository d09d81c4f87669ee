"""The text pipeline: spaCy's blank English tokenizer with its rule-based sentencizer (no
model to download), and one Matcher holding every intake pattern. spaCy is imported when
a document is first read, not with the package (it costs half a second to import, which
every other command would pay)."""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    from spacy.language import Language
    from spacy.matcher import Matcher


@cache
def nlp() -> Language:
    import spacy

    pipeline = spacy.blank("en")
    pipeline.add_pipe("sentencizer")
    return pipeline


@cache
def matchers(patterns) -> tuple[Matcher, Matcher]:  # noqa: ANN001 (Patterns, hashable by id)
    """The phrases' Matcher and the `within` phrases' Matcher, built once per pattern set."""
    from spacy.matcher import Matcher

    vocab = nlp().vocab
    phrases, within = Matcher(vocab, validate=True), Matcher(vocab, validate=True)
    for key, compiled in patterns.token_patterns.items():
        phrases.add(key, compiled)
    for key, compiled in patterns.within_patterns.items():
        within.add(key, compiled)
    return phrases, within
