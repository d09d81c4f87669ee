"""The lessons inside the project (rules/lessons.yaml) and the rules' faithfulness to the
paper: every lesson served by CLI and API with its title, section and lines; the severities
the review asked for; every field read by a rule; and, where the paper is at hand
(../shared/paper), every cited line, quotation and range checked against its text."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml

from ccrules.authoring.validity import render_validity
from ccrules.cli import main
from ccrules.proposal.fields import catalogue
from ccrules.proposal.model import RETIRED
from ccrules.resources import builtin_rules
from ccrules.rulebook.conditions import fields_of

ROOT = Path(__file__).resolve().parents[1]
PAPER = ROOT.parent / "shared" / "paper" / "000_2f6735d845187d40.txt"


def test_lessons_command_lists_all_35(runner, rulebook):
    result = runner.invoke(main, ["lessons", "--format", "json"])
    assert result.exit_code == 0
    lessons = json.loads(result.output)
    assert [x["id"] for x in lessons] == [f"L{i}" for i in range(1, 36)]
    for lesson in lessons:
        assert 0 < len(lesson["title"]) <= 60, lesson
        assert re.fullmatch(r"§[\d.]+( [A-Za-z]+)?(; §[\d.]+( [A-Za-z]+)?)*", lesson["section"])
        assert re.fullmatch(r"P:\d+(-\d+)?(; P:\d+(-\d+)?)*", lesson["lines"]), lesson
        assert lesson["rules"] and all(rid in {r.id for r in rulebook.rules}
                                       for rid in lesson["rules"])
        assert lesson["text"].endswith(".") and lesson["text"].count(". ") == 0, lesson
    text = runner.invoke(main, ["lessons"], env={"COLUMNS": "200"}).output
    assert rulebook.lesson_title("L17") in text


def test_lessons_endpoint(client, auth, rulebook):
    r = client.get("/api/v1/lessons", headers=auth)
    assert r.status_code == 200
    data = r.get_json()["lessons"]
    assert len(data) == 35
    l16 = next(x for x in data if x["id"] == "L16")
    assert l16["title"] == rulebook.lesson_title("L16") and "CO-03" in l16["rules"]


@pytest.mark.parametrize(("rule_id", "severity"), [
    ("CX-05", "minor"), ("IM-03", "minor"), ("ME-05", "major"), ("CO-03", "minor"),
    ("CO-01", "minor"), ("CX-01", "major")])  # issue 20: docs/validity.md gives the reasons
def test_severities_follow_the_papers_emphasis(runner, rule_id, severity):
    result = runner.invoke(main, ["rules", "show", rule_id, "--format", "json"])
    assert result.exit_code == 0
    assert json.loads(result.output)["severity"] == severity


def test_every_catalogue_field_is_read_by_a_rule(rulebook):
    read: set[str] = set()
    for rule in rulebook.rules:
        read |= fields_of(rule.when)
    for path in list(read):
        read |= set(catalogue()[path].sources)
    testable = {path for path, info in catalogue().items() if info.ops}
    unread = sorted(testable - read - set(RETIRED))
    assert unread == []


def test_validity_gives_a_paper_line_for_every_rule(rulebook):
    text = render_validity(rulebook)
    table = text[text.index("| lesson | rule |"):]
    for rule in rulebook.rules:
        rows = [row for row in table.splitlines() if f" {rule.id} " in row]
        assert rows, rule.id
        assert all(re.search(r"\| P:\d+", row) for row in rows), rows


def test_reports_show_lesson_titles_beside_codes(runner, rulebook):
    result = runner.invoke(main, ["evaluate", str(ROOT / "examples" / "ilcop.json"),
                                  "--format", "markdown"])
    flat = " ".join(result.output.split())
    assert f"L19 ({rulebook.lesson_title('L19')})" in flat


# --- against the paper's text (when the shared paper is beside the project) -----------------

def _documents():
    for path in sorted(Path(builtin_rules()).glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        items = list(data.get("rules", []))
        items += [dict(v, id=k) for k, v in (data.get("lessons") or {}).items()]
        policy = data.get("policy") or {}
        items += list((policy.get("problem_fit") or {}).get("rows", []))
        items += list(policy.get("limits", []))
        yield path.name, items


def _spans(lines: str) -> list[tuple[int, int]]:
    return [(int(a), int(b or a)) for a, b in re.findall(r"(\d+)(?:-(\d+))?", lines or "")]


def _norm(text: str) -> str:
    for a, b in (("’", "'"), ("‘", "'"), ("“", '"'), ("”", '"')):
        text = text.replace(a, b)
    return re.sub(r"\s+", " ", text).strip().lower()


@pytest.fixture(scope="module")
def paper():
    if not PAPER.exists():
        pytest.skip(f"the paper is not beside the project ({PAPER})")
    return PAPER.read_text(encoding="utf-8").splitlines()


def _passage(paper: list[str], spans) -> list[str]:
    """The passage in two readings: a line-end hyphen kept, and joined (un-\\nstructured)."""
    joined = " ".join(" ".join(paper[a - 1:b]) for a, b in spans)
    return [_norm(re.sub(r"(\w)-\s+(\w)", r"\1-\2", joined)),
            _norm(re.sub(r"(\w)-\s+(\w)", r"\1\2", joined))]


def test_cited_lines_exist_and_hold_the_citations(paper):
    problems = []
    for name, items in _documents():
        for item in items:
            spans = _spans(item.get("lines", ""))
            if any(not 1 <= a <= b <= len(paper) for a, b in spans):
                problems.append(f"{name}: {item.get('id')}: lines {item.get('lines')}")
            for key in ("rationale", "message", "recommendation", "text", "why"):
                for a, b in _spans(" ".join(re.findall(r"P:[\d-]+", item.get(key) or ""))):
                    if not any(x <= a and b <= y for x, y in spans):
                        problems.append(f"{name}: {item.get('id')}: {key} cites P:{a}-{b} "
                                        f"outside its lines {item.get('lines')}")
    assert problems == []


def test_quotations_are_the_papers_words_within_the_cited_lines(paper):
    problems = []
    for name, items in _documents():
        for item in items:
            passage = _passage(paper, _spans(item.get("lines", "")))
            for key in ("rationale", "message", "recommendation", "text", "why"):
                for quote in re.findall(r'"([^"]{4,})"', item.get(key) or ""):
                    if not any(_norm(quote) in p for p in passage):
                        problems.append(f"{name}: {item.get('id')}: {quote!r}")
    assert problems == []


def test_texts_paraphrase_rather_than_copy(paper):
    """Outside quotation marks no run of 9 words is the paper's own."""
    words = re.findall(r"[a-z]+", " ".join(_passage(paper, [(1, len(paper))])[1:]))
    grams = {tuple(words[i:i + 9]) for i in range(len(words) - 8)}
    copied = []
    for name, items in _documents():
        for item in items:
            for key in ("rationale", "message", "recommendation", "text", "title", "why"):
                own = re.sub(r'"[^"]*"', " | ", item.get(key) or "").lower()
                for chunk in own.split("|"):
                    ws = re.findall(r"[a-z]+", chunk)
                    hits = [" ".join(ws[i:i + 9]) for i in range(len(ws) - 8)
                            if tuple(ws[i:i + 9]) in grams]
                    if hits:
                        copied.append(f"{name}: {item.get('id')}: {key}: {hits[0]}")
    assert copied == []
