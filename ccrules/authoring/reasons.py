"""The panel's reasons for setting a finding aside, grouped: the same reason in other words
(case, punctuation and spacing ignored) counted once, and short reasons that are nearly the
same (difflib's ratio at least NEAR) together. Linear in the reasons, whatever they hold:

- a long reason is first placed by the first characters of its normalised text, found
  from its first 200 characters; only reasons that share them are normalised in full and
  compared (a dictionary look-up), so 30,000 distinct reasons of 2,000 characters are each
  read in part, once;
- a short reason (at most SHORT characters) is compared with at most CANDIDATES earlier
  groups that share its first or last characters, and with at most COMPARISONS in all;
  past that, identical reasons still group.

Reports list the largest MAX_GROUPS groups, each with its MAX_WORDINGS most used wordings,
and say how many there are."""

from __future__ import annotations

import heapq
import re
import string
from collections import Counter
from collections.abc import Iterable
from difflib import SequenceMatcher

from pydantic import BaseModel, Field

NEAR = 0.85  # reasons this alike (difflib's ratio, after normalising) are one reason
SHORT = 600  # characters: reasons this short are normalised whole and matched when near
NEAR_CHARS = 300  # normalised characters: longer keys are matched only when identical
PREFIX = 100  # normalised characters that place a long reason
ANCHOR = 12  # near-identical candidates share their first or last characters
CANDIDATES = 4  # groups remembered per anchor, so compared with one reason
COMPARISONS = 2_000  # near-identity comparisons in one grouping (then identity only)
MAX_GROUPS = 10  # reason groups reported per rule (the largest)
MAX_WORDINGS = 3  # wordings reported per group (the most frequent)


class ReasonGroup(BaseModel):
    reason: str = Field(description="The wording used most often (of equals, the first "
                                    "given, in the order the evaluations were stored).")
    count: int
    variants: int = Field(description="How many different wordings were given.")
    wordings: list[str] = Field(description=(
        f"The wordings given, most frequent first (at most {MAX_WORDINGS})."))


_DROP = (string.whitespace + string.punctuation).encode()
_NOT_WORD = re.compile(r"[\W_]+")


def _key(text: str) -> str:
    """A reason once case, punctuation and spacing are ignored (one pass in C for ASCII)."""
    if text.isascii():
        return text.casefold().encode().translate(None, _DROP).decode()
    return _NOT_WORD.sub("", text.casefold())


def _prefix(reason: str) -> str:
    """The first PREFIX characters of the reason's normalised text, from as little of it as
    will give them (normalising never joins characters, so a prefix stays a prefix)."""
    head = _key(reason[:2 * PREFIX])
    return head[:PREFIX] if len(head) >= PREFIX else _key(reason)[:PREFIX]


class _Grouping:
    def __init__(self) -> None:
        self.groups: dict[str, tuple[int, dict[str, int]]] = {}  # key -> (first, wordings)
        self.by_anchor: dict[str, list[str]] = {}
        self.comparisons = COMPARISONS
        self.long: dict[str, list[tuple[int, str]]] = {}  # prefix -> (position, reason)

    def add(self, position: int, reason: str) -> None:
        if len(reason) > SHORT:
            self.long.setdefault(_prefix(reason), []).append((position, reason))
            return
        key = _key(reason)
        if key not in self.groups:
            key = self._near(key) or key
        self._count(key, position, reason)

    def _count(self, key: str, position: int, reason: str) -> None:
        if key not in self.groups:
            self.groups[key] = (position, {})
            if len(key) <= NEAR_CHARS:
                for anchor in ("<" + key[:ANCHOR], ">" + key[-ANCHOR:]):
                    held = self.by_anchor.setdefault(anchor, [])
                    if len(held) < CANDIDATES:
                        held.append(key)
        wordings = self.groups[key][1]
        wordings[reason] = wordings.get(reason, 0) + 1

    def _near(self, key: str) -> str | None:
        if len(key) > NEAR_CHARS:
            return None
        seen: set[str] = set()
        for anchor in ("<" + key[:ANCHOR], ">" + key[-ANCHOR:]):
            for known in self.by_anchor.get(anchor, ()):
                if known in seen or self.comparisons <= 0:
                    continue
                seen.add(known)
                self.comparisons -= 1
                matcher = SequenceMatcher(None, key, known, autojunk=False)
                if matcher.real_quick_ratio() >= NEAR and matcher.quick_ratio() >= NEAR \
                        and matcher.ratio() >= NEAR:
                    return known
        return None

    def finish(self) -> None:
        """Place the long reasons: alone under their prefix when nothing else shares it,
        else by their whole normalised text."""
        shared = {key[:PREFIX] for key in self.groups}
        for prefix, members in self.long.items():
            if len(members) == 1 and prefix not in shared:
                position, reason = members[0]
                self.groups["\0" + prefix] = (position, {reason: 1})  # no key can clash
                continue
            for position, reason in members:
                self._count(_key(reason), position, reason)


def grouped(reasons: Iterable[str]) -> tuple[list[ReasonGroup], int]:
    """The largest MAX_GROUPS groups (largest first; of equals, the first given), and how
    many groups there are."""
    grouping = _Grouping()
    for position, reason in enumerate(reasons):
        grouping.add(position, reason)
    grouping.finish()
    sizes = [(-sum(w.values()), first, w) for first, w in grouping.groups.values()]
    out = []
    for size, _, wordings in heapq.nsmallest(MAX_GROUPS, sizes, key=lambda s: s[:2]):
        common = Counter(wordings).most_common(MAX_WORDINGS)  # of equals, the first given
        out.append(ReasonGroup(reason=common[0][0], count=-size, variants=len(wordings),
                               wordings=[w for w, _ in common]))
    return out, len(sizes)


def group_reasons(reasons: Iterable[str]) -> list[ReasonGroup]:
    """The reasons grouped, largest group first (at most MAX_GROUPS)."""
    return grouped(reasons)[0]
