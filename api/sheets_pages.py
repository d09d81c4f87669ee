"""Spreadsheet pages: the template to download, and the round (with the round page's
filters) as a results workbook. Signed-in sessions only, as every page; the export reads
only the evaluations the session's token may read."""

from __future__ import annotations

from flask import Blueprint, Response, g, request, url_for

from ccrules.service import ListQuery
from ccrules.sheets.export import template
from ccrules.sheets.results import results_workbook, stored_result

from .storage import store
from .web import require_session

bp = Blueprint("sheets", __name__)
bp.before_request(require_session)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MIMETYPES = {"xlsx": XLSX, "csv": "text/csv"}


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
    applicant, a link to each result page, and the verdict counts."""
    base = request.host_url.rstrip("/")
    scope = g.principal.scope
    rows = (stored_result(r, store().get(r["id"], owner=scope),
                          base + url_for("pages.result", evaluation_id=r["id"]))
            for r in ListQuery.lenient(request.args).stream(store(), scope))
    return _download(results_workbook(rows), "xlsx", "ccrules-round.xlsx")
