"""The batch upload's files as proposals: a JSON file is one proposal, a sheet (.xlsx or .csv)
one per row. A sheet's rows count against the batch limit and the rate limit as proposals
do: the route's rate limit counts files, so the rows beyond one a sheet are counted here."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from werkzeug.datastructures import FileStorage
from werkzeug.exceptions import TooManyRequests

from ccrules.errors import ProposalError
from ccrules.proposal.reading import TooLarge, parse_json
from ccrules.sheets.layout import MAX_BYTES
from ccrules.sheets.read import read_sheet
from ccrules.sheets.source import sheet_format, unsupported

from .limits import limiter


def upload_items(files: list[FileStorage], limit: int) -> list[tuple[str, Any]]:
    """(name, data) for each proposal uploaded, in order: a file that cannot be read is one
    invalid item in its place (a sheet with any fault too: none of its rows is screened).
    A sheet of more than `limit` rows refuses the whole upload (TooLarge, 413)."""
    items: list[tuple[str, Any]] = []
    for f in files:
        name = f.filename or "upload"
        try:
            if sheet_format(name):
                rows = read_sheet(f.read(MAX_BYTES + 1), name, max_rows=limit)
                items.extend((row.name, row.proposal) for row in rows)
            else:
                data = f.read()
                fault = unsupported(name, data)
                items.append((name, fault or parse_json(data, name)))
        except ProposalError as exc:
            if isinstance(exc, TooLarge) and sheet_format(name):
                raise
            items.append((name, exc))
    return items


def count_rows(proposals: int, files: int) -> Callable[[], None]:
    """Room in the rate limit for `proposals` (the route's limit counts `files`; a sheet's
    rows are more): 429 when there is none. Returns what counts the rest, to call once they
    are stored."""
    extra = proposals - files
    if extra <= 0:
        return lambda: None
    for lim in limiter.current_limits:
        if not limiter.limiter.test(lim.limit, *lim.request_args, cost=proposals):
            reset, _ = limiter.limiter.get_window_stats(lim.limit, *lim.request_args)
            raise TooManyRequests(description=str(lim.limit),
                                  retry_after=max(1, int(reset - time.time()) + 1))

    def count() -> None:
        for lim in limiter.current_limits:
            limiter.limiter.hit(lim.limit, *lim.request_args, cost=extra)
    return count
