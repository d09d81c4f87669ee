"""Spreadsheet pages: the template to download, and the round (with the round page's
filters) as a results workbook. Signed-in sessions only, as every page; the export reads
only the evaluations the session's token may read."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from typing import Any

from flask import Blueprint, Response, g, request, url_for

from ccrules.service import ListQuery
from ccrules.sheets.export import template
from ccrules.sheets.results import stored_result, write_results

from .links import link_base
from .storage import store
from .web import require_session

bp = Blueprint("sheets", __name__)
bp.before_request(require_session)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MIMETYPES = {"xlsx": XLSX, "csv": "text/csv"}
CHUNK = 1 << 16


def _download(data: bytes, fmt: str, filename: str) -> Response:
    return Response(data, mimetype=MIMETYPES[fmt], headers={
        "Content-Disposition": f"attachment; filename={filename}"})


@bp.get("/sheets/template.<any(xlsx, csv):fmt>")
def template_download(fmt: str):
    """The empty template: one row per proposal, one column per field."""
    return _download(template(fmt), fmt, f"ccrules-template.{fmt}")


@bp.get("/evaluations.xlsx")
def round_xlsx():
    """Every evaluation the round's filters select (no page limit), as a results workbook:
    the round's columns and words, the conditions of award and the questions for the
    applicant, a link to each result page, and the verdict counts. The rows stream from
    the store into openpyxl's write-only workbook, saved to a temporary file that is sent
    and then deleted: memory stays flat however long the round."""
    base = link_base()  # CCRULES_BASE_URL, or relative: never the Host header
    prefix = (base + url_for("pages.result", evaluation_id="0")).removesuffix("0")
    rows = (stored_result(r, prefix + r["id"])
            for r in ListQuery.lenient(request.args).stream(store(), g.principal.scope,
                                                            asks=True))
    spool = tempfile.TemporaryFile()
    try:
        write_results(rows, spool)
        spool.seek(0)
    except BaseException:
        spool.close()
        raise
    return Response(_sent(spool), mimetype=XLSX, headers={
        "Content-Disposition": "attachment; filename=ccrules-round.xlsx"})


def _sent(spool: Any) -> Iterator[bytes]:
    """A file's content in chunks, closing (so deleting) it when done or abandoned."""
    with spool:
        while chunk := spool.read(CHUNK):
            yield chunk
