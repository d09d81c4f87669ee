"""JSON proposals into the template's layout, one a row, so a round can go out to reviewers
as a workbook (or CSV) and come back to be screened."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from ..errors import ProposalError
from ..proposal.model import Proposal
from ..proposal.reading import read_proposal
from ..screening.batch import collect_files
from .cells import write_cell
from .layout import MAX_ROWS, columns
from .template import csv_bytes, xlsx_bytes


def row_cells(proposal: Proposal | dict[str, Any]) -> list[Any]:
    """A proposal as one sheet row: a cell per column, None where the answer is unknown."""
    data = (proposal.model_dump(mode="json", exclude_none=True)
            if isinstance(proposal, Proposal) else proposal)
    return [write_cell(col, _get(data, col.path)) for col in columns()]


def _get(data: dict[str, Any], path: str) -> Any:
    for key in path.split("."):
        if not isinstance(data, dict):
            return None
        data = data.get(key)  # type: ignore[assignment]
    return data


def sheet(proposals: Iterable[Proposal | dict[str, Any]], fmt: str = "xlsx") -> bytes:
    """The sheet (fmt 'xlsx' or 'csv') holding these proposals; with none, the empty
    template. A sheet holds at most MAX_ROWS proposals (as a screening does)."""
    rows = [row_cells(p) for p in proposals]
    if len(rows) > MAX_ROWS:
        raise ProposalError(f"{len(rows)} proposals: a sheet holds at most {MAX_ROWS} (the "
                            f"batch limit); split the round into several sheets.")
    return csv_bytes(rows) if fmt == "csv" else xlsx_bytes(rows)


def template(fmt: str = "xlsx") -> bytes:
    """The empty template."""
    return sheet([], fmt)


def export_files(paths: Iterable[str | Path], fmt: str = "xlsx") -> tuple[bytes, int]:
    """JSON proposal files (or folders of *.json) as one sheet, in the order given; every
    file is validated first (a ProposalError names the file and the field). Returns the
    sheet and how many proposals it holds."""
    proposals = [read_proposal(f) for f in collect_files(paths)]
    return sheet(proposals, fmt), len(proposals)
