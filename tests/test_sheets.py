"""Funding rounds in spreadsheets (issue 17): the template, JSON proposals exported into it
and screened back, faults named by row and column, formulas never calculated, the results
workbook, the web upload and export, and the limits (nothing stored past one)."""

from __future__ import annotations

import csv
import io
import json
import re
import zipfile

import pytest
from openpyxl import Workbook, load_workbook

from ccrules.cli import main
from ccrules.proposal.reading import TooLarge
from ccrules.report.export import EXPORT_HEADINGS
from ccrules.screening.batch import screen
from ccrules.sheets.export import export_files, sheet, template
from ccrules.sheets.layout import FIRST_ROW, by_path, columns, letter
from ccrules.sheets.problems import SheetError, where
from ccrules.sheets.read import read_sheet
from ccrules.sheets.results import FILLS, screened_workbook

from helpers import EXAMPLES, PageClient, example, make_user

# sheets: on the small fixed rules (tests/fixtures/rules)
pytestmark = pytest.mark.mechanism

FILES = sorted(EXAMPLES.glob("*.json"))
FORMATS = ["xlsx", "csv"]


def column_of(path: str) -> tuple[int, str, str]:
    """(column number, letter, label) of a field in the template."""
    c = [col.path for col in columns()].index(path) + 1
    return c, letter(c), by_path()[path].label


def edit_csv(data: bytes, changes: dict[tuple[int, int], str]) -> bytes:
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    for (r, c), value in changes.items():
        while len(rows) < r:
            rows.append([])
        rows[r - 1].extend([""] * (c - len(rows[r - 1])))
        rows[r - 1][c - 1] = value
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return out.getvalue().encode()


def edit_xlsx(data: bytes, changes: dict[tuple[int, int], object]) -> bytes:
    book = load_workbook(io.BytesIO(data))
    for (r, c), value in changes.items():
        book["Proposals"].cell(r, c, value)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def edit(fmt: str, data: bytes, changes: dict[tuple[int, int], object]) -> bytes:
    return edit_xlsx(data, changes) if fmt == "xlsx" else \
        edit_csv(data, {k: str(v) for k, v in changes.items()})


# --- the round trip ------------------------------------------------------------------------

@pytest.mark.parametrize("fmt", FORMATS)
def test_every_example_exported_and_screened_back_gets_its_json_verdict(fmt, rulebook):
    data, count = export_files(FILES, fmt)
    assert count == len(FILES) > 5
    rows = read_sheet(data, f"round.{fmt}")
    assert [r.row for r in rows] == list(range(FIRST_ROW, FIRST_ROW + len(FILES)))
    from_json = screen(((f.name, f) for f in FILES), rulebook)
    from_sheet = screen(((r.name, r.proposal) for r in rows), rulebook)
    assert [r.verdict for r in from_sheet] == [r.verdict for r in from_json]
    assert {r.verdict for r in from_json} >= {"recommended", "conditional", "not_recommended"}
    # not only the verdicts: every answer comes back as it went out (menu options too)
    assert [r.proposal for r in from_sheet] == [r.proposal for r in from_json]
    assert rows[0].name == f"round.{fmt} row 4: " + json.loads(FILES[0].read_text())["title"]


@pytest.mark.parametrize("fmt", FORMATS)
def test_the_cli_exports_a_round_and_screens_it_back(fmt, runner, tmp_path):
    sheet_path = tmp_path / f"round.{fmt}"
    out = runner.invoke(main, ["sheet", "export", str(EXAMPLES), "-o", str(sheet_path)])
    assert out.exit_code == 0, out.output
    assert f"{len(FILES)} proposals, rows 4 to {3 + len(FILES)}" in out.output
    by_json = runner.invoke(main, ["screen", *map(str, FILES), "--format", "json"])
    by_sheet = runner.invoke(main, ["screen", str(sheet_path), "--format", "json"])
    assert by_sheet.exit_code == 0, by_sheet.output
    want, got = json.loads(by_json.output), json.loads(by_sheet.output)
    assert [r["verdict"] for r in got["results"]] == [r["verdict"] for r in want["results"]]
    assert got["counts"] == want["counts"]
    assert got["results"][0]["name"].startswith(f"round.{fmt} row 4: ")


def test_the_template_has_a_column_per_field_with_help_choices_and_bounds(runner, tmp_path):
    path = tmp_path / "round.xlsx"
    out = runner.invoke(main, ["sheet", "template", "-o", str(path)])
    assert out.exit_code == 0 and f"{len(columns())} columns" in out.output
    book = load_workbook(path)
    assert book.sheetnames == ["Proposals", "Help", "Choices"]
    assert book["Choices"].sheet_state == "hidden"
    ws = book["Proposals"]
    paths = [c.value for c in ws[3]]
    assert "intervention.menu_options" in paths and "title" in paths
    assert not [p for p in paths if p.startswith("derived.")]
    assert ws.row_dimensions[3].hidden and ws.freeze_panes == "B4"
    c, col_letter, label = column_of("enrolment.data_submission")
    assert ws.cell(2, c).value == label
    assert "Blank means unknown" in ws.cell(2, c).comment.text
    assert "Must sites submit data" in ws.cell(2, c).comment.text  # the question
    assert ws.cell(1, 1).value == "About the proposal" and "A1:D1" in ws.merged_cells
    rules = {str(dv.sqref).split(":")[0]: dv for dv in ws.data_validations.dataValidation}
    data_rule = rules[f"{col_letter}4"]
    sheet_name, cells = data_rule.formula1.split("!")
    choices = [c.value for row in book[sheet_name][cells.replace("$", "")] for c in row]
    assert data_rule.type == "list" and choices == [
        "required, with exit for not submitting", "required, with no consequence",
        "voluntary", "not asked for"]
    c, pct, _ = column_of("enrolment.local_lead_time_pct")
    assert (rules[f"{pct}4"].type, rules[f"{pct}4"].formula1, rules[f"{pct}4"].formula2) == \
        ("decimal", "0", "100")
    c, sites, _ = column_of("context.sites_enrolled")
    assert (rules[f"{sites}4"].type, rules[f"{sites}4"].formula2) == ("whole", "100000")
    c, yes_no, _ = column_of("community.social_time")
    assert rules[f"{yes_no}4"].formula1 == '"yes,no,unknown"'
    csv_out = runner.invoke(main, ["sheet", "template", "-o", str(tmp_path / "round.csv")])
    assert csv_out.exit_code == 0
    header = list(csv.reader(io.StringIO((tmp_path / "round.csv").read_text("utf-8-sig"))))
    assert header[2] == paths and header[1][0] == "Title" and len(header) == 3


def test_blank_means_unknown_and_words_or_machine_values_both_read():
    data = template("csv")
    changes = {}
    for path, value in [("title", "Hand filled"), ("enrolment.data_submission",
                                                   "mandatory_with_exit"),
                        ("enrolment.commitment", "A chief executive\u2019s sign-off only"),
                        ("community.social_time", "Yes"), ("community.virtual_only", "unknown"),
                        ("intervention.toolkit", "guidelines; Team roles"),
                        ("core_team.affiliations", "none"), ("context.coverage_pct", "85%")]:
        changes[(4, column_of(path)[0])] = value
    row = read_sheet(edit_csv(data, changes), "hand.csv")[0]
    p = row.proposal.model_dump(mode="json", exclude_none=True)
    assert p["enrolment"] == {"data_submission": "mandatory_with_exit",
                              "commitment": "ceo_signoff"}
    assert p["community"] == {"social_time": True}  # 'unknown' is blank: not stated
    assert p["intervention"]["toolkit"] == ["guidelines", "team_roles"]
    assert p["core_team"]["affiliations"] == [] and p["context"]["coverage_pct"] == 85
    assert "problem" not in p or not p["problem"]



def test_a_sheet_made_by_hand_with_labels_only_reads():
    hand = ("Title;Data submission;Share of eligible activity covered\r\n"
            "From a grant system;voluntary;12,5\r\n"
            "Second;not asked for;40\r\n").encode("cp1252")
    with pytest.raises(SheetError) as caught:  # a decimal comma is not a number here
        read_sheet(hand, "grants.csv")
    assert [where(e) for e in caught.value.errors] == [
        "row 2, Share of eligible activity covered (column C)"]
    rows = read_sheet(hand.replace(b"12,5", b"12.5"), "grants.csv")
    assert [(r.row, r.proposal.enrolment.data_submission, r.proposal.context.coverage_pct)
            for r in rows] == [(2, "voluntary", 12.5), (3, "none", 40)]


def test_a_cell_shown_as_a_percentage_is_read_as_one():
    pct, _, _ = column_of("context.coverage_pct")
    book = load_workbook(io.BytesIO(template()))
    book["Proposals"].cell(4, 1, "Percent")
    cell = book["Proposals"].cell(4, pct, 0.85)
    cell.number_format = "0%"
    out = io.BytesIO()
    book.save(out)
    assert read_sheet(out.getvalue(), "pct.xlsx")[0].proposal.context.coverage_pct == 85

# --- faults by row and column ---------------------------------------------------------------

@pytest.mark.parametrize("fmt", FORMATS)
def test_a_misspelt_choice_a_number_out_of_range_and_an_unknown_column_are_refused(fmt):
    data = sheet([example("michigan-keystone"), example("ilcop")], fmt)
    sub, sub_letter, sub_label = column_of("enrolment.data_submission")
    pct, pct_letter, pct_label = column_of("enrolment.local_lead_time_pct")
    extra = len(columns()) + 1
    bad = edit(fmt, data, {(4, sub): "volantary", (5, pct): 150,
                           (2, extra): "Colour", (4, extra): "red"})
    with pytest.raises(SheetError) as caught:
        read_sheet(bad, f"bad.{fmt}")
    faults = {where(e): e.msg for e in caught.value.errors}
    assert faults == {
        f"row 2, Colour (column {letter(extra)})":
            "unknown column; the template's columns are the proposal's fields",
        f"row 4, {sub_label} (column {sub_letter})":
            "'volantary' is not one of the choices (did you mean 'voluntary'?)",
        f"row 5, {pct_label} (column {pct_letter})":
            "Input should be less than or equal to 100 (the cell has 150)",
    }
    assert "none of its proposals was read" in caught.value.detail


def test_a_misspelt_heading_gets_a_did_you_mean_and_a_bad_list_item_its_number():
    data = template("csv")
    tk, tk_letter, tk_label = column_of("intervention.toolkit")
    bad = edit_csv(data, {(2, 1): "Titel", (3, 1): "", (4, 2): "x",
                          (4, tk): "guidelines\nprotocol"})
    with pytest.raises(SheetError) as caught:
        read_sheet(bad, "bad.csv")
    faults = {where(e): e.msg for e in caught.value.errors}
    assert faults["row 2, Titel (column A)"] == "unknown column (did you mean 'Title'?)"
    assert faults[f"row 4, {tk_label} (column {tk_letter})"] == (
        "item 2: 'protocol' is not one of the choices (did you mean 'protocols'?)")


def test_the_cli_names_each_fault_on_its_own_line(runner, tmp_path):
    sub, sub_letter, sub_label = column_of("enrolment.data_submission")
    path = tmp_path / "bad.csv"
    path.write_bytes(edit_csv(sheet([example("ilcop")], "csv"), {(4, sub): "mandatroy"}))
    good = tmp_path / "good.json"
    good.write_text(json.dumps(example("michigan-keystone")))
    out = runner.invoke(main, ["screen", str(path), str(good), "--format", "json"])
    assert out.exit_code == 1
    assert f"  row 4, {sub_label} (column {sub_letter}): 'mandatroy' is not one of the " \
           f"choices (did you mean 'mandatory'?)" in out.stderr
    result = json.loads(out.stdout)
    assert [r["verdict"] for r in result["results"]] == ["invalid", "recommended"]
    no_file = runner.invoke(main, ["screen", str(good), "--format", "xlsx"])
    assert no_file.exit_code == 1 and "give it -o FILE" in no_file.output


# --- formulas -------------------------------------------------------------------------------

def _with_cached_value(data: bytes, formula: str, value: str) -> bytes:
    """The workbook with a saved value for `formula` (openpyxl saves formulas without one,
    as a spreadsheet program would not)."""
    src, out = zipfile.ZipFile(io.BytesIO(data)), io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            body = src.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                body, n = re.subn(rb"(<f>" + re.escape(formula.encode()) + rb"</f>)<v\s*/?>"
                                  rb"(</v>)?", rb"\1<v>" + value.encode() + rb"</v>", body)
                assert n == 1
            dst.writestr(item, body)
    return out.getvalue()


def test_a_formula_is_read_as_its_saved_value_and_never_calculated():
    sites, _, _ = column_of("context.sites_enrolled")
    data = edit_xlsx(sheet([example("michigan-keystone")]), {(4, sites): "=2+3"})
    data = _with_cached_value(data, "2+3", "7")  # a saved value that is not 2+3
    row = read_sheet(data, "saved.xlsx")[0]
    assert row.proposal.context.sites_enrolled == 7


def test_a_formula_without_a_saved_value_is_refused():
    sites, s_letter, s_label = column_of("context.sites_enrolled")
    data = edit_xlsx(sheet([example("michigan-keystone")]), {
        (4, sites): "=2+3", (4, 1): '=HYPERLINK("http://evil.example","x")'})
    with pytest.raises(SheetError) as caught:
        read_sheet(data, "formulas.xlsx")
    faults = {where(e): e.msg for e in caught.value.errors}
    assert set(faults) == {f"row 4, {s_label} (column {s_letter})", "row 4, Title (column A)"}
    assert all("formula with no saved value" in m for m in faults.values())


def test_a_csv_formula_is_text_and_is_written_out_as_text(rulebook):
    data = edit_csv(sheet([example("ilcop")], "csv"), {(4, 1): "=1+1"})
    row = read_sheet(data, "round.csv")[0]
    assert row.proposal.title == "=1+1"  # text, not 2
    book = load_workbook(io.BytesIO(screened_workbook(screen([(row.name, row.proposal)],
                                                             rulebook))))
    titles = [c for c in book["Results"]["D"]]  # File, Reference, Applicant, Title
    # a string cell: Excel shows =1+1 as text, never runs it, and shows no apostrophe
    assert [c.value for c in titles] == ["Title", "=1+1"] and titles[1].data_type == "s"
    exported = sheet([row.proposal], "csv")
    assert "'=1+1" in exported.decode("utf-8-sig")
    assert read_sheet(exported, "again.csv")[0].proposal.title == "=1+1"
    workbook = sheet([row.proposal], "xlsx")  # the exported round as a workbook: a text
    # cell, no apostrophe, no formula, and it reads back the same
    cell = load_workbook(io.BytesIO(workbook))["Proposals"].cell(FIRST_ROW, 1)
    assert (cell.value, cell.data_type) == ("=1+1", "s")
    assert read_sheet(workbook, "again.xlsx")[0].proposal.title == "=1+1"


# --- the results workbook -------------------------------------------------------------------

def test_the_results_workbook_has_the_round_columns_colours_filter_and_counts(runner,
                                                                             tmp_path):
    out_path = tmp_path / "results.xlsx"
    bad = tmp_path / "broken.json"
    bad.write_text("{")
    out = runner.invoke(main, ["screen", *map(str, FILES), str(bad), "--format", "xlsx",
                               "-o", str(out_path)])
    assert out.exit_code == 1 and f"Wrote {out_path}" in out.output
    book = load_workbook(out_path)
    ws = book["Results"]
    header = [c.value for c in ws[1]]
    assert header == ["File", *EXPORT_HEADINGS, "Faults"]  # the CSV's and Markdown's too
    assert ws.freeze_panes == "A2" and ws.auto_filter.ref == f"A1:Q{len(FILES) + 2}"
    rows = [dict(zip(header, (c.value for c in row), strict=False))
            for row in ws.iter_rows(min_row=2)]
    col = header.index("Verdict")
    fills = {row[col].value: row[col].fill.fgColor.rgb[-6:] for row in ws.iter_rows(min_row=2)}
    assert fills["conditional"] == FILLS["conditional"]
    assert fills["not recommended"] == FILLS["not_recommended"]
    assert fills["invalid"] == FILLS["invalid"]
    keystone = next(r for r in rows if r["File"] == "michigan-keystone.json")
    assert keystone["Verdict"] == "recommended" and keystone["Blockers"] == 0
    conditional = [r for r in rows if r["Verdict"] == "conditional"]
    assert conditional and all(r["Conditions of award"].startswith("1. ") for r in conditional)
    draft = next(r for r in rows if r["File"] == "incomplete-draft.json")
    assert draft["Facts to establish"].startswith("1. ")
    assert isinstance(draft["Completeness"], float) and 0 < draft["Completeness"] < 1
    assert ws.cell(row=2, column=header.index("Completeness") + 1).number_format == "0%"
    assert hasattr(draft["Evaluated"], "year")  # a date-time cell, not text
    findings = list(book["Findings"].iter_rows(min_row=2, values_only=True))
    assert {f[3] for f in findings} >= {"CO-07"} and all(f[4] for f in findings)
    assert rows[-1]["Verdict"] == "invalid" and "broken.json" in rows[-1]["Faults"]
    counts = dict(book["Verdicts"].iter_rows(min_row=2, values_only=True))
    assert counts["conditional"] == len(conditional) and counts["invalid"] == 1
    assert counts["Total"] == len(FILES) + 1


# --- the web pages --------------------------------------------------------------------------

def upload(pages, name: str, data: bytes, json_answer: bool = True):
    return pages.post("/evaluations/batch", {"proposal_files": [(io.BytesIO(data), name)]},
                      content_type="multipart/form-data",
                      headers={"Accept": "application/json"} if json_answer else {})


@pytest.mark.parametrize("fmt", FORMATS)
def test_an_uploaded_sheet_stores_each_row(fmt, signed_in):
    data, _ = export_files(FILES, fmt)
    r = upload(signed_in, f"round.{fmt}", data)
    assert r.status_code == 200, r.get_data(as_text=True)
    results = r.get_json()["results"]
    assert len(results) == len(FILES) and all("id" in x for x in results)
    assert results[0]["name"].startswith(f"round.{fmt} row 4: ")
    expected = [json.loads(f.read_text()) for f in FILES]
    names = [x["name"].split(": ", 1)[1] for x in results]
    assert names == [e["title"] for e in expected]
    page = signed_in.get("/evaluations").get_data(as_text=True)
    assert f"{len(FILES)} applications" in page
    keystone = next(x for x in results if "Michigan" in x["name"])
    assert keystone["verdict"] == "recommended"
    assert signed_in.get(f"/evaluations/{keystone['id']}").status_code == 200


def test_a_faulty_sheet_stores_none_of_its_rows(signed_in):
    sub, sub_letter, _ = column_of("enrolment.data_submission")
    bad = edit_xlsx(sheet([example("michigan-keystone"), example("ilcop")]),
                    {(5, sub): "sometimes"})
    r = upload(signed_in, "bad.xlsx", bad, json_answer=False)
    assert r.status_code == 303
    page = signed_in.get("/evaluations").get_data(as_text=True)
    assert "0 applications (the current version of each)" in page
    assert f"row 5, Data submission (column {sub_letter})" in page


def test_the_template_and_the_round_export_are_pages_for_signed_in_officers(app, signed_in):
    anonymous = app.test_client()
    for path in ("/sheets/template.xlsx", "/evaluations.xlsx"):
        assert "/signin" in anonymous.get(path).headers["Location"]
    r = signed_in.get("/sheets/template.xlsx")
    assert r.status_code == 200 and "spreadsheetml" in r.mimetype
    assert load_workbook(io.BytesIO(r.data))["Proposals"]["A3"].value == "title"
    r = signed_in.get("/sheets/template.csv")
    assert r.data.decode("utf-8-sig").splitlines()[2].startswith("title,summary,")
    round_page = signed_in.get("/evaluations").get_data(as_text=True)
    assert 'href="/sheets/template.xlsx"' in round_page
    assert 'id="xlsx-export"' in round_page and 'accept=".json,application/json,.xlsx' \
        in round_page


def test_export_excel_applies_the_filters_and_reads_only_the_tokens_own(app, signed_in):
    upload(signed_in, "round.xlsx", export_files(FILES, "xlsx")[0])
    other = PageClient(app.test_client())
    other.sign_in(make_user(app, "other officer"))
    upload(other, "theirs.csv", sheet([example("ilcop")], "csv"))
    book = load_workbook(io.BytesIO(signed_in.get("/evaluations.xlsx").data))
    titles = [c.value for c in book["Results"]["B"]][1:]
    assert len(titles) == len(FILES)  # not the other officer's
    r = signed_in.get("/evaluations.xlsx?verdict=conditional")
    ws = load_workbook(io.BytesIO(r.data))["Results"]
    header = [c.value for c in ws[1]]
    rows = [dict(zip(header, (c.value for c in row), strict=False))
            for row in ws.iter_rows(min_row=2)]
    assert rows and {x["Verdict"] for x in rows} == {"conditional"}
    link = ws.cell(2, header.index("Link") + 1)
    # relative (no CCRULES_BASE_URL here): never built from the request's Host header
    assert link.hyperlink.target == link.value and link.value.startswith("/evaluations/")
    assert signed_in.get(link.value).status_code == 200
    assert all(x["Conditions of award"] for x in rows)


# --- limits ---------------------------------------------------------------------------------

def test_a_sheet_of_more_than_a_batch_is_refused():
    data = sheet([{"title": f"P{i}"} for i in range(100)], "csv")
    data = edit_csv(data, {(104, 1): "one too many"})
    with pytest.raises(TooLarge, match="101 proposals; a sheet may hold at most 100"):
        read_sheet(data, "big.csv")
    with pytest.raises(Exception, match="a sheet holds at most 100"):
        sheet([{}] * 101)


def _app(tmp_path, rulebook, **config):
    from ccrules.web import create_app
    app = create_app({"TESTING": True, "DATABASE": str(tmp_path / "s.db"),
                      "RULEBOOK": rulebook, **config})
    pages = PageClient(app.test_client())
    pages.sign_in(make_user(app))
    return pages


def answered(n: int) -> list[dict]:
    """n proposals, each its own application, each answering something."""
    return [{**example("ilcop"), "title": f"P{i}", "reference": f"R-{i}"} for i in range(n)]


def _stored(pages) -> str:
    return re.search(r'id="round-count">([^<]+)<', pages.get("/evaluations").get_data(
        as_text=True)).group(1)


def test_a_web_sheet_over_the_batch_limit_stores_nothing(tmp_path, rulebook):
    pages = _app(tmp_path, rulebook, MAX_BATCH=3)
    r = upload(pages, "four.csv", sheet(answered(4), "csv"))
    assert r.status_code == 413 and "at most 3" in r.get_data(as_text=True)
    json_and_sheet = pages.post("/evaluations/batch", {"proposal_files": [
        (io.BytesIO(b"{}"), "a.json"),
        (io.BytesIO(sheet(answered(3), "csv")), "three.csv")]},
        content_type="multipart/form-data")
    assert json_and_sheet.status_code == 413
    assert "At most 3 proposals per upload; 4 were sent" in json_and_sheet.get_data(True)
    assert _stored(pages) == "0 applications (the current version of each)"


def test_a_sheets_rows_count_against_the_rate_limit(tmp_path, rulebook):
    pages = _app(tmp_path, rulebook, RATE_LIMIT="4 per minute")
    r = upload(pages, "five.csv", sheet(answered(5), "csv"))
    assert r.status_code == 429 and _stored(pages) == "0 applications (the current version of each)"
    assert upload(pages, "three.xlsx", sheet(answered(3))).status_code == 200
    assert _stored(pages) == "3 applications (the current version of each)"
    r = upload(pages, "two.csv", sheet([{"title": "y"}] * 2, "csv"))
    assert r.status_code == 429 and r.headers["Retry-After"]
    assert _stored(pages) == "3 applications (the current version of each)"


def test_files_that_unpack_or_grow_past_the_bounds_are_refused():
    with pytest.raises(TooLarge, match="larger than"):
        read_sheet(b"x" * (1024 * 1024 + 1), "huge.csv")
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("xl/worksheets/sheet1.xml", b"\0" * (17 * 1024 * 1024))
    assert len(bomb.getvalue()) < 100_000
    with pytest.raises(TooLarge, match="unpacks to"):
        read_sheet(bomb.getvalue(), "bomb.xlsx")
    with pytest.raises(TooLarge, match="more than 256 columns"):
        read_sheet(",".join(["title"] * 300).encode(), "wide.csv")
    book = Workbook()
    book.active.cell(1, 1, "title")
    book.active.cell(900_000, 1, "far down")  # a cell far below: every row between counts
    out = io.BytesIO()
    book.save(out)
    with pytest.raises(TooLarge, match="cells"):
        read_sheet(out.getvalue(), "tall.xlsx")


def test_not_a_sheet_is_a_fault_not_a_crash():
    with pytest.raises(SheetError, match="not an Excel workbook"):
        read_sheet(b"PK not really", "fake.xlsx")
    with pytest.raises(SheetError, match="no header"):
        read_sheet(b"a,b\n1,2\n", "plain.csv")
    with pytest.raises(SheetError, match="holds no proposal"):
        read_sheet(template("csv"), "empty.csv")
