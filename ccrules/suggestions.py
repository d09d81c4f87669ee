"""Did-you-mean: the closest known names to a misspelt one, at a bounded cost. A suggestion
is only looked for when the name is of a reasonable length (MAX_NAME: every field path,
label and choice is far shorter), and at most a budget of suggestions is made within one
`budget()` block (the web app opens one per request): a request full of unknown names is
refused as quickly as one with a single typo."""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

MAX_NAME = 80  # longer names get no suggestion (the longest known name is under 50)
PER_REQUEST = 5  # suggestions made within one budget() block
_left: ContextVar[list[int] | None] = ContextVar("suggestions_left", default=None)


@contextmanager
def budget(n: int = PER_REQUEST) -> Iterator[None]:
    """At most `n` suggestions inside this block (outside any block: no limit)."""
    token = _left.set([n])
    try:
        yield
    finally:
        _left.reset(token)


def start_budget(n: int = PER_REQUEST) -> None:
    """Open a budget for the rest of this context (a web request starts one, and ends it
    with end_budget)."""
    _left.set([n])


def end_budget(*_: object) -> None:
    """No budget any more in this context (what comes next on the thread is not limited)."""
    _left.set(None)


def _spend() -> bool:
    left = _left.get()
    if left is None:
        return True
    if left[0] <= 0:
        return False
    left[0] -= 1
    return True


def closest(name: str, choices: Iterable[object]) -> list[str]:
    """The choices closest to `name` (those within a whisker of the best match), best first;
    empty when nothing is close, when the name is too long to be a misspelling, or when the
    budget is spent."""
    if not name or len(name) > MAX_NAME or not _spend():
        return []
    matcher = difflib.SequenceMatcher()
    matcher.set_seq2(name)  # compared with each choice: the name's index is built once
    scored = []
    for choice in {str(c) for c in choices}:
        if len(choice) > MAX_NAME:
            continue
        matcher.set_seq1(choice)
        if matcher.real_quick_ratio() >= 0.6 and matcher.quick_ratio() >= 0.6:
            scored.append((matcher.ratio(), choice))
    scored.sort(reverse=True)
    if not scored or scored[0][0] < 0.6:
        return []
    return [c for ratio, c in scored[:3] if ratio >= scored[0][0] - 0.03]


def suggest(name: str, choices: Iterable[object]) -> str:
    """A ' (did you mean ...?)' suffix naming the closest choices, or '' when none is close."""
    close = closest(name, choices)
    return f" (did you mean {' or '.join(repr(c) for c in close)}?)" if close else ""
