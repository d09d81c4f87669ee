"""`ccrules intake` and `ccrules confirm`, and `ccrules evaluate` on their drafts. The
acceptance test builds a PDF from the paper's §2.1 (Michigan, P:269-312) and checks that
intake suggests Michigan's stated answers at the targets, each with its quotation."""

import json

import pytest
from bench.intake import PAPER, write_pdf

from ccrules.cli import main
from ccrules.intake.scoring import paper_case, right, score, section_text, totals
from ccrules.intake.suggest import Quote, Suggestion
from ccrules.resources import builtin_examples

from helpers import ROOT

APPLICATION = ROOT / "tests" / "intake" / "applications" / "05-maternity-pph.md"


@pytest.fixture
def michigan_pdf(tmp_path):
    """The paper's §2.1, line by line as the paper's text has it, as a PDF."""
    assert PAPER.exists(), f"the paper is not beside the project ({PAPER})"
    path = tmp_path / "michigan-2.1.pdf"
    write_pdf(path, section_text(PAPER, "michigan-keystone").splitlines())
    return path


def test_intake_on_the_papers_michigan_section_meets_the_targets(runner, michigan_pdf,
                                                                  tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(main, ["intake", str(michigan_pdf), "-o", "michigan.json",
                                  "--format", "json"])
    assert result.exit_code == 0, result.output
    out = json.loads(result.output)
    assert out["document"]["kind"] == "pdf" and out["document"]["pages"] >= 1
    draft = json.loads((tmp_path / "michigan.json").read_text())
    provenance = json.loads((tmp_path / "michigan.provenance.json").read_text())
    assert set(provenance["answers"]) == {s["field"] for s in out["suggestions"]}
    stated, recall = paper_case(builtin_examples(), "michigan-keystone")
    assert {"intervention.standardisation", "enrolment.minimum_team",
            "context.sites_enrolled", "context.coverage_pct"} <= recall
    suggestions = []
    for s in out["suggestions"]:
        entry = provenance["answers"][s["field"]]
        assert entry["status"] == "suggested" and entry["value"] == s["value"]
        node = draft
        for part in s["field"].split("."):
            node = node[part]
        assert node == s["value"]  # the draft holds the suggestion, unconfirmed
        quotes = [Quote(q["text"], tuple(q["evidence"]), q["page"]) for q in s["quotes"]]
        for q in quotes:  # each with its quotation, holding its evidence, on its page
            assert q.page == 1 and all(e in q.text for e in q.evidence)
        suggestions.append(Suggestion(s["field"], s["value"], quotes))
    scores = score([("michigan", suggestions, stated, recall)])
    total = totals(scores)
    assert total["precision"] >= 0.9 and total["recall"] >= 0.5, total
    assert all(fs.right / fs.suggested >= 0.8 for fs in scores.values() if fs.suggested)
    got = {s.field: s.value for s in suggestions}
    assert got["context.sites_enrolled"] == 103 and got["context.coverage_pct"] == 85
    assert right("enrolment.minimum_team", got["enrolment.minimum_team"],
                 stated["enrolment.minimum_team"]) == (True, True)


def test_the_text_output_lists_each_suggestion_with_its_sentence(runner, tmp_path,
                                                                 monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(main, ["intake", str(APPLICATION)])
    assert result.exit_code == 0, result.output
    assert "suggested answers." in result.output.splitlines()[0]
    assert "  Data submission: required, with exit for not submitting\n" in result.output
    assert "\u201cSending data monthly is mandatory" in result.output
    assert (tmp_path / "05-maternity-pph.draft.json").exists()
    assert (tmp_path / "05-maternity-pph.draft.provenance.json").exists()
    assert "Nothing is confirmed yet" in result.output


def test_evaluate_refuses_unconfirmed_suggestions_until_confirmed(runner, tmp_path,
                                                                  monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert runner.invoke(main, ["intake", str(APPLICATION), "-o", "d.json"]).exit_code == 0
    refused = runner.invoke(main, ["evaluate", "d.json"])
    assert refused.exit_code == 1
    assert "unconfirmed suggestions from the application document" in refused.output
    assert "--accept-suggestions" in refused.output

    accepted = runner.invoke(main, ["evaluate", "d.json", "--accept-suggestions",
                                    "--format", "json"])
    assert accepted.exit_code == 0, accepted.output
    assert len(json.loads(accepted.output)["quotations"]) == len(
        json.loads((tmp_path / "d.provenance.json").read_text())["answers"])

    done = runner.invoke(main, ["confirm", "d.json", "enrolment.data_submission"])
    assert done.exit_code == 0 and "Confirmed 1 in d.provenance.json" in done.output
    assert "enrolment.data_submission" not in runner.invoke(
        main, ["evaluate", "d.json"]).output.split("application document (")[1]
    bad = runner.invoke(main, ["confirm", "d.json", "community.nothing"])
    assert bad.exit_code == 1 and "No suggestion for community.nothing" in bad.output

    assert runner.invoke(main, ["confirm", "d.json", "--all"]).exit_code == 0
    text = runner.invoke(main, ["evaluate", "d.json"])
    assert text.exit_code == 0, text.output
    assert "ANSWERS CONFIRMED FROM THE APPLICATION DOCUMENT" in text.output
    assert "From the application: \u201cSending data monthly is mandatory" in text.output


def test_an_edited_or_deleted_suggestion_is_the_officers_answer(runner, tmp_path,
                                                                monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert runner.invoke(main, ["intake", str(APPLICATION), "-o", "d.json"]).exit_code == 0
    answers = json.loads((tmp_path / "d.provenance.json").read_text())["answers"]
    draft = json.loads((tmp_path / "d.json").read_text())
    draft["community"]["calls_per_month"] = 2  # edited
    del draft["enrolment"]["data_submission"]  # cleared
    (tmp_path / "d.json").write_text(json.dumps(draft))
    others = [f for f in answers if f not in ("community.calls_per_month",
                                              "enrolment.data_submission")]
    assert runner.invoke(main, ["confirm", "d.json", *others]).exit_code == 0
    result = runner.invoke(main, ["evaluate", "d.json", "--format", "json"])
    assert result.exit_code == 0, result.output
    quoted = {q["field"]: q for q in json.loads(result.output)["quotations"]}
    assert quoted["community.calls_per_month"]["edited"] is True
    assert quoted["community.calls_per_month"]["answer"] == "2 a month"
    assert "enrolment.data_submission" not in quoted


def test_a_document_that_cannot_be_read_is_one_error_line(runner, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    broken = tmp_path / "broken.pdf"
    broken.write_bytes(b"%PDF-1.4\n not a pdf at all")
    result = runner.invoke(main, ["intake", str(broken)])
    assert result.exit_code == 1
    assert result.output.startswith("Error: broken.pdf could not be read as a PDF")
    assert not list(tmp_path.glob("*.json"))  # nothing written
    big = tmp_path / "big.txt"
    big.write_bytes(b"x" * (4 * 1024 * 1024 + 1))
    result = runner.invoke(main, ["intake", str(big)])
    assert result.exit_code == 1 and "at most 4 MB can be read" in result.output
