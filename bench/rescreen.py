"""Benchmark: re-screen a whole archive after a rule change. Stores N generated proposals
(each with its verdict and fired rules from the current rules, written straight into a fresh
SQLite audit store; not timed), then times `ccrules.impact.impact` re-evaluating every one
under a changed ruleset (a major rule made a blocker), with peak memory.

    python bench/rescreen.py [--quick] [--proposals N]
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import sys
import tempfile
import time
import tracemalloc
from datetime import datetime, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import machine  # noqa: E402
from generate import proposals  # noqa: E402

from ccrules.impact import impact  # noqa: E402
from ccrules.proposal import parse_proposal  # noqa: E402
from ccrules.rulebook import DEFAULT_RULES, load_rulebook  # noqa: E402
from ccrules.screener import judge  # noqa: E402
from ccrules.store import Store  # noqa: E402


def fill(store: Store, rulebook, n: int) -> None:
    store.save_ruleset(rulebook)
    rows = []
    now = datetime.now(timezone.utc).isoformat(timespec="seconds")
    for i, raw in enumerate(proposals(n)):
        proposal = parse_proposal(raw)
        verdict, outcome = judge(proposal, rulebook)
        result = {"id": f"bench{i:06d}", "verdict": verdict.value, "title": proposal.title,
                  "findings": [{"rule_id": r.id, "severity": r.severity.value}
                               for r in outcome.fired]}
        rows.append({"id": result["id"], "created_at": now, "verdict": verdict.value,
                     "title": proposal.title, "reference": proposal.reference,
                     "ruleset_version": rulebook.version, "owner": None,
                     "proposal": json.dumps(proposal.model_dump(mode="json",
                                                                exclude_none=True)),
                     "result": json.dumps(result)})
    store.db["evaluations"].insert_all(rows, batch_size=1000)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="1,000 proposals")
    parser.add_argument("--proposals", type=int, default=10_000)
    args = parser.parse_args()
    n = 1000 if args.quick else args.proposals
    work = Path(tempfile.mkdtemp(prefix="ccrules-bench-"))
    try:
        rules = work / "rules"
        shutil.copytree(DEFAULT_RULES, rules)
        current = load_rulebook(rules)
        store = Store(work / "archive.db")
        fill(store, current, n)
        path = rules / "implementation.yaml"  # the change: IM-05 becomes a blocker
        text = path.read_text()
        start = text.index("  - id: IM-05\n")
        cut = text.index("severity: major", start)
        path.write_text(text[:cut] + "severity: blocker" + text[cut + 15:])
        changed_rules = load_rulebook(rules)
        _ = changed_rules.durable
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
