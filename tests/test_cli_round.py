"""Batch screening, tokens and the first-run token from the command line."""

import collections
import csv
import io
import json

import pytest

from ccrules.cli import main
from ccrules.rulebook.model import Verdict
from ccrules.screening.evaluate import evaluate
from ccrules.store import Store

from helpers import EXAMPLES

# rounds: on the small fixed rules (tests/fixtures/small)
pytestmark = pytest.mark.mechanism


def test_screen_a_folder_as_json(runner, rulebook):
    """The round's counts and rows are each file's own evaluation, counted."""
    result = runner.invoke(main, ["screen", str(EXAMPLES), "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    files = sorted(EXAMPLES.glob("*.json"))
    evaluations = {p.name: evaluate(json.loads(p.read_text()), rulebook) for p in files}
    verdicts = collections.Counter(ev.verdict.value for ev in evaluations.values())
    assert len(verdicts) >= 3  # a mixed round, so the counts can tell the verdicts apart
    assert data["counts"] == {**{v.value: verdicts[v.value] for v in Verdict}, "invalid": 0}
    assert [r["name"] for r in data["results"]] == [p.name for p in files]
    for row in data["results"]:
        ev = evaluations[row["name"]]
        assert (row["verdict"], row["blockers"], row["majors"], row["open_questions"]) == (
            ev.verdict.value, ev.count("blocker"), ev.count("major"), len(ev.missing))


def test_screen_table_and_csv(runner, tmp_path):
    bad = tmp_path / "broken.json"
    bad.write_text('{"problem": {"scope": "vast"}}')
    table = runner.invoke(main, ["screen", str(EXAMPLES / "ilcop.json"), str(bad)])
    assert table.exit_code == 1
    assert "Verdicts" in table.output and "not recommended" in table.output
    assert "broken.json" in table.output and "invalid" in table.output
    assert "Error: " in table.output and "problem.scope" in table.output
    out = runner.invoke(main, ["screen", str(EXAMPLES / "ilcop.json"), "--format", "csv"])
    rows = list(csv.DictReader(io.StringIO(out.stdout)))
    assert rows[0]["File"] == "ilcop.json" and rows[0]["Verdict"] == "not recommended"
    assert rows[0]["Applicant"] and rows[0]["Verdict range"] == "not recommended"
    web_headings = ["Reference", "Applicant", "Title", "Version", "Verdict", "Verdict range",
                    "Completeness", "Blockers", "Majors", "Conditions of award",
                    "Facts to establish", "Panel decision", "Decision reason", "Evaluated",
                    "Link"]
    assert list(rows[0]) == ["File"] + web_headings  # the round page's CSV columns
    assert rows[0]["Completeness"].endswith("%") and rows[0]["Version"] == ""


def test_screen_and_store(runner, tmp_path):
    db = tmp_path / "round.db"
    result = runner.invoke(main, ["screen", str(EXAMPLES), "--store", "--db", str(db),
                                  "--format", "json"])
    assert result.exit_code == 0
    store = Store(db)
    try:
        assert store.count() == len(list(EXAMPLES.glob("*.json")))
    finally:
        store.close()


def test_token_create_prints_a_token_once(runner, tmp_path):
    db = tmp_path / "tokens.db"
    result = runner.invoke(main, ["token", "create", "programme-office", "--db", str(db)])
    assert result.exit_code == 0
    token = result.output.strip()
    assert token.startswith("ccr_") and len(token) > 50
    store = Store(db)
    try:
        row = next(store.db["tokens"].rows)
        assert row["name"] == "programme-office" and token not in json.dumps(row)
    finally:
        store.close()
