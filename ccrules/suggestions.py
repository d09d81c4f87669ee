"""Did-you-mean: the closest known names to a misspelt one."""

from __future__ import annotations

import difflib
from collections.abc import Iterable


def closest(name: str, choices: Iterable[object]) -> list[str]:
    """The choices closest to `name` (those within a whisker of the best match), best first;
    empty when nothing is close."""
    scored = sorted(((difflib.SequenceMatcher(None, name, str(c)).ratio(), str(c))
                     for c in choices), reverse=True)
    if not scored or scored[0][0] < 0.6:
        return []
    return [c for ratio, c in scored[:3] if ratio >= scored[0][0] - 0.03]


def suggest(name: str, choices: Iterable[object]) -> str:
    """A ' (did you mean ...?)' suffix naming the closest choices, or '' when none is close."""
    close = closest(name, choices)
    return f" (did you mean {' or '.join(repr(c) for c in close)}?)" if close else ""
