"""Screen many proposals at once (a funding round): each is evaluated on its own, so one bad
proposal is reported without losing the others."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterable

from ..errors import CcrulesError, ProposalError
from ..judging.result import Evaluation
from ..proposal.answered import require_answers
from ..proposal.model import Proposal
from ..proposal.reading import parse_proposal, read_proposal
from ..rulebook.loader import Rulebook
from ..rulebook.model import Verdict
from .evaluate import evaluate

INVALID = "invalid"


@dataclass
class Screened:
    """One proposal's outcome in a batch: an evaluation, or the error that stopped it."""

    index: int
    name: str
    proposal: dict | None = None
    evaluation: Evaluation | None = None
    error: CcrulesError | None = None

    @property
    def verdict(self) -> str:
        return self.evaluation.verdict.value if self.evaluation else INVALID


def collect_files(paths: Iterable[str | Path]) -> list[Path]:
    """Files as given, and the *.json files inside folders (sorted)."""
    files: list[Path] = []
    for p in map(Path, paths):
        files.extend(sorted(p.glob("*.json")) if p.is_dir() else [p])
    return files


def screen(items: Iterable[tuple[str, Any]], rulebook: Rulebook,
           progress: Callable[[Screened], None] | None = None) -> list[Screened]:
    """Evaluate (name, proposal) pairs in order; a proposal may be a Proposal, raw JSON data,
    a Path to read, or the ProposalError met while reading it (kept in its place, counted as
    invalid). A proposal that answers nothing (a title and a summary alone) is invalid."""
    out = []
    for index, (name, data) in enumerate(items):
        item = Screened(index, name)
        try:
            if isinstance(data, ProposalError):
                raise data
            proposal = (data if isinstance(data, Proposal) else read_proposal(data)
                        if isinstance(data, Path) else parse_proposal(data))
            require_answers(proposal if isinstance(data, Proposal) else data
                            if isinstance(data, dict) else proposal)
            item.proposal = proposal.model_dump(mode="json", exclude_none=True)
            item.evaluation = evaluate(proposal, rulebook)
        except ProposalError as exc:
            item.error = exc
        out.append(item)
        if progress:
            progress(item)
    return out


def counts(results: list[Screened]) -> dict[str, int]:
    """Proposals per verdict (every verdict listed, plus 'invalid')."""
    tally = Counter(r.verdict for r in results)
    return {v: tally.get(v, 0) for v in [*(v.value for v in Verdict), INVALID]}
