"""The layout and performance documents agree with the code, as the rule catalogue does:
every package docs/architecture.md names exists and every package is named; every module
path it cites exists; the deterministic figures of docs/performance.md (each example's
verdict, completeness and open questions; the number of rules) are what ccrules gives now,
and every benchmark it cites is a script `make bench` runs; docs/guided.md's question counts
are what the guided interview asks, on the live rules. Timings are not checked here:
they are the figures of the run the document dates."""

from __future__ import annotations

import re

import pytest
from bench.guided_questions import drafts, run

from ccrules.explaining.interview import interview
from ccrules.screening.evaluate import evaluate

from helpers import ROOT, example, example_names

ARCHITECTURE = (ROOT / "docs" / "architecture.md").read_text()
PERFORMANCE = (ROOT / "docs" / "performance.md").read_text()


def test_every_package_named_in_the_layout_exists_and_every_package_is_named():
    named = set(re.findall(r"`(ccrules(?:\.\w+)*)`", ARCHITECTURE))
    packages = {"ccrules." + p.parent.relative_to(ROOT / "ccrules").as_posix().replace("/", ".")
                for p in (ROOT / "ccrules").glob("*/__init__.py")}
    assert packages, "no packages found"
    missing = sorted(p for p in packages if p not in named and p != "ccrules.proposal.kinds")
    assert not missing, f"docs/architecture.md does not name {missing}"
    for name in named - {"ccrules.web", "ccrules.rules", "ccrules.examples", "ccrules.cli"}:
        path = ROOT / name.replace(".", "/")
        assert path.is_dir() or path.with_suffix(".py").is_file(), name


def test_every_module_path_cited_in_the_layout_exists():
    cited = set(re.findall(r"`((?:ccrules/|api/|tests/)?[\w/]+\.(?:py|html))`", ARCHITECTURE))
    assert len(cited) >= 5
    for path in cited:
        candidates = [ROOT / path, ROOT / "ccrules" / path, ROOT / "api" / "templates" / path]
        assert any(c.exists() for c in candidates), f"docs/architecture.md cites {path}"
    for folder in re.findall(r"`(ccrules/[\w/]+/)`", ARCHITECTURE):
        assert (ROOT / folder).is_dir(), folder


def test_the_full_evaluation_table_gives_each_examples_verdict_as_now():
    rows = re.findall(r"^\| ([a-z0-9-]+) \| (\w+) \| (\d+)% \| (\d+) \|", PERFORMANCE, re.M)
    assert {r[0] for r in rows} == set(example_names())
    for name, verdict, completeness, missing in rows:
        ev = evaluate(example(name), _rulebook())
        assert (ev.verdict.value, round(ev.completeness * 100), len(ev.missing)) == (
            verdict, int(completeness), int(missing)), f"docs/performance.md row {name}"


def test_the_rule_count_is_the_rulebooks():
    """A figure measured with an earlier ruleset says so, and how many rules there are now."""
    now = re.findall(r"there are (\d+) now", PERFORMANCE)
    assert now and {int(n) for n in now} == {len(_rulebook().rules)}


def test_every_benchmark_cited_is_a_script_make_bench_runs():
    cited = set(re.findall(r"bench\.(\w+)", PERFORMANCE)) - {"common", "generate"}  # helpers
    makefile = (ROOT / "Makefile").read_text()
    for name in cited:
        assert (ROOT / "bench" / f"{name}.py").is_file(), name
        assert f"-m bench.{name}" in makefile, f"make bench does not run bench.{name}"


def _rulebook():
    from ccrules.rulebook import load_rulebook
    return load_rulebook()


@pytest.mark.slow
def test_the_question_counts_in_the_docs_are_what_the_interview_asks(rulebook):
    table = (ROOT / "docs" / "guided.md").read_text()
    rows = re.findall(r"^\| (.+?) \| (.+?) \| (\d+) \| (\d+) \| (\d+|-) \| (.+?) \|$", table,
                      re.M)
    documented = {(r[0], r[1]): (int(r[2]), int(r[3]), r[5]) for r in rows}
    measured = {}
    for name, how, draft, completed in drafts():
        state, asked, _ = run(rulebook, draft, completed)
        verdict = state.verdict.value.replace("_", " ") if state.decided else \
            f"not decided ({state.range_words})"
        measured[(name, how)] = (len(interview(draft, rulebook).questions), asked, verdict)
    assert documented == measured
