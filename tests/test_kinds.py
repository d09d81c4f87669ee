"""Field kinds are types (ccrules/proposal/kinds/): nothing outside the kinds compares a
field's kind with a kind's name, and a new kind is one class: a date field of a fixture
catalogue appears in the form, the sheet template and a report without other changes."""

from __future__ import annotations

import io
import re
from datetime import date

import pytest
from pydantic import Field

from ccrules.proposal import fields, groups
from ccrules.proposal import kinds as K
from ccrules.proposal.model import Context, F, Proposal
from ccrules.sheets import layout

from helpers import ROOT

NAMES = "|".join(re.escape(k) for k in K.ALL)
# `kind == "enum"`, `kind in ("int", "number")`, `kind != 'text'`, ... in code or templates
COMPARED = re.compile(rf"""kind\s*(==|!=|\bin\b|\bnot in\b)\s*\(?\s*['"]({NAMES})['"]""")


def test_no_code_or_template_outside_the_kinds_compares_a_kind_with_its_name():
    files = [p for d in ("ccrules", "api", "bench") for p in (ROOT / d).rglob("*")
             if p.suffix in (".py", ".html") and "kinds" not in p.parts]
    assert len(files) > 50
    found = [f"{p.relative_to(ROOT)}:{n}: {line.strip()}" for p in files
             for n, line in enumerate(p.read_text().splitlines(), 1) if COMPARED.search(line)]
    assert not found, "compare kinds by calling them (kinds/): " + "; ".join(found)


def test_the_scanner_sees_a_comparison():
    assert COMPARED.search('if info.kind == "enum_list":')
    assert COMPARED.search("{% elif f.info.kind in ('int', 'number') %}")
    assert not COMPARED.search("if question.kind == 'many':")


class Day(K.Kind):
    """A calendar date, written as ISO (2027-04-01): the one class a date field needs."""

    name = "date"
    ops = K.Kind.ops | {"lt", "ge"}
    input_type = "date"
    wanted = "a date"

    def fits(self, info, value):
        return isinstance(value, date)

    def read(self, info, text):
        try:
            return date.fromisoformat(text.strip())
        except ValueError:
            raise K.KindFault(f"{text!r} is not a date (write it as 2027-04-01)") from None

    def read_raw(self, info, raw, percent_format=False):
        return raw.date() if hasattr(raw, "date") else self.read(info, str(raw))

    def write(self, info, value):
        return value.isoformat()

    def words(self, info, value):
        return "not stated" if value is None else f"{value.day} {value:%B %Y}"

    def how_to_write(self, info):
        return "A date, written 2027-04-01."


@pytest.fixture
def dated(monkeypatch):
    """The catalogue of a fixture model: the proposal with a start date in its context."""
    day = K.register(date, Day())

    class DatedContext(Context):
        start: date | None = F("When the programme starts.", "When will the programme start?",
                               label="Programme start")

    class DatedProposal(Proposal):
        context: DatedContext = Field(default_factory=DatedContext)

    caches = (fields.catalogue, groups.field_groups, layout.columns, layout.by_path,
              layout.by_label)
    for c in caches:
        c.cache_clear()
    monkeypatch.setattr(fields, "Proposal", DatedProposal)
    yield fields.catalogue()["context.start"]
    K.BY_TYPE.pop(date)
    K.ALL.pop(day.name)
    monkeypatch.undo()
    for c in caches:
        c.cache_clear()


def test_a_date_field_is_in_the_catalogue_with_its_kind(dated):
    assert str(dated.kind) == "date" and dated.label == "Programme start"
    assert dated.ops == frozenset({"lt", "ge"})


def test_a_date_field_is_in_the_form(dated, signed_in):
    page = signed_in.get("/").get_data(as_text=True)
    assert 'id="f-context-start"' in page
    field = page[page.index('for="f-context-start"'):][:600]
    assert "Programme start" in field and 'type="date"' in field


def test_a_date_field_is_in_the_sheet_template_and_reads_back(dated):
    from openpyxl import load_workbook

    from ccrules.sheets.cells import CellFault, read_cell, write_cell
    from ccrules.sheets.export import template

    book = load_workbook(io.BytesIO(template("xlsx")))
    labels = [c.value for c in book["Proposals"][2]]
    assert "Programme start" in labels
    help_rows = [[c.value for c in row] for row in book["Help"].iter_rows(min_row=4)]
    assert ["Context", "Programme start", "context.start"] == help_rows[
        [r[2] for r in help_rows].index("context.start")][:3]
    assert "A date, written 2027-04-01." in help_rows[[r[2] for r in help_rows].index(
        "context.start")][5]
    col = layout.by_path()["context.start"]
    assert read_cell(col, write_cell(col, date(2027, 4, 1))) == date(2027, 4, 1)
    with pytest.raises(CellFault, match="not a date"):
        read_cell(col, "next spring")


def test_a_date_field_is_said_in_a_report(dated):
    from ccrules.report.model import _changes

    assert _changes({"context.start": date(2027, 4, 1)}) == "Programme start: 1 April 2027"
