"""Checking the rules: every check `ccrules rules check` runs (examples, static checks), on
the built-in rules with one rule's condition edited, from nothing (no truth table kept),
against the same check with the unedited rules' truth tables kept from an earlier check, as
a reload or a second `rules check` in one process finds them; interleaved. Prints one JSON
line.

    python -m bench.rules_check [--rounds 5] [--checks 3]
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import tempfile
import time
from pathlib import Path

from ccrules.authoring import static_checks
from ccrules.authoring.checks import all_problems
from ccrules.resources import builtin_rules
from ccrules.rulebook.loader import load_rulebook

from .common import interleaved, machine, ratio_per_round, spread

EDIT = ("when: {field: community.planned_from_outset, op: eq, value: false}",
        "when: {not: {field: community.planned_from_outset, op: eq, value: true}}")


def _edited(folder: Path) -> Path:
    """A copy of the built-in rules with one rule's condition written another way (CO-02:
    the same cases, a new condition to tabulate)."""
    dest = folder / "rules"
    shutil.copytree(builtin_rules(), dest, ignore=shutil.ignore_patterns("__*", "*.md"))
    path = dest / "community.yaml"
    text = path.read_text()
    assert text.count(EDIT[0]) == 1
    path.write_text(text.replace(*EDIT))
    return dest


def _timed(rules: Path, checks: int, kept: bool):
    def run() -> float:
        if kept:
            all_problems(load_rulebook(builtin_rules()))  # the unedited rules' tables
        total = 0.0
        for _ in range(checks):
            if not kept:
                static_checks._tables.clear()
            rulebook = load_rulebook(rules)
            start = time.perf_counter()
            problems = all_problems(rulebook)
            total += time.perf_counter() - start
            assert not problems, problems
        return total / checks * 1000
    return run


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--checks", type=int, default=3, help="checks per round and path")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        rules = _edited(Path(tmp))
        figures = interleaved({"from_nothing": _timed(rules, args.checks, False),
                               "tables_kept": _timed(rules, args.checks, True)}, args.rounds)
    ratios = ratio_per_round(figures["from_nothing"], figures["tables_kept"])
    print(json.dumps({"bench": "rules_check", "rounds": args.rounds, "checks": args.checks,
                      "check_ms": {k: spread(v, 1) for k, v in figures.items()},
                      "from_nothing_over_kept": {"median": round(statistics.median(ratios), 1),
                                                 **spread(ratios, 1)},
                      "machine": machine()}))


if __name__ == "__main__":
    main()
