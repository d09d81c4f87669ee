"""Benchmark: re-screen a whole archive after a rule change. Stores N generated proposals
(through the real store, each with its verdict under the current rules, as bench/archive.py
builds its archive; not timed), then times `ccrules.impact.impact` re-evaluating every one
under a changed ruleset (a major rule made a blocker), with peak memory.

    python -m bench.rescreen [--quick] [--proposals N]
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import tempfile
import time
import tracemalloc
from pathlib import Path

from bench.archive import build
from bench.common import machine, rules_copy, set_severity
from ccrules.authoring.impact import impact
from ccrules.judging.judge import judge_for
from ccrules.rulebook import load_rulebook
from ccrules.store import Store


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="1,000 proposals")
    parser.add_argument("--proposals", type=int, default=10_000)
    args = parser.parse_args()
    n = 1000 if args.quick else args.proposals
    work = Path(tempfile.mkdtemp(prefix="ccrules-bench-"))
    try:
        rules = rules_copy(work / "rules")
        current = load_rulebook(rules)
        store = Store(work / "archive.db")
        build(store, current, n, owner=None)  # through the real store, each row's verdict
        # and ruleset the proposal's own (bench/archive.py)
        set_severity(rules, "IM-05", "blocker")  # the change: a major becomes a blocker
        changed_rules = load_rulebook(rules)
        _ = judge_for(changed_rules).durable
        rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        t0 = time.perf_counter()
        report = impact(store, changed_rules)  # timed pass
        seconds = time.perf_counter() - t0
        rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        tracemalloc.start()  # a second, untimed pass measures Python's peak allocation
        impact(store, changed_rules)
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        store.close()
        print(json.dumps({"proposals": report.total, "rescreen_s": round(seconds, 2),
                          "per_proposal_ms": round(1000 * seconds / report.total, 3),
                          "changed": len(report.changed),
                          "python_peak_alloc_mib": round(peak / 2**20, 1),
                          "max_rss_mib": round(rss_after / 1024, 1),
                          "max_rss_growth_mib": round((rss_after - rss_before) / 1024, 1),
                          "target_s_for_10000": 10, "machine": machine()}))
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
