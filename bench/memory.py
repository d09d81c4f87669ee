"""Benchmark: resident memory (RSS, from /proc/self/status) over many evaluations in one
process. Samples RSS every tenth of the run; growth is measured from the first sample (after
warm-up) to the last.

    python -m bench.memory [--quick] [--evaluations N] [--full]

By default each evaluation is the verdict path (validate, flatten, durable_rules, verdict);
--full runs the complete explained evaluation (slower: use fewer evaluations).
"""

from __future__ import annotations

import argparse
import json
import time

from bench.common import machine
from bench.generate import proposals
from ccrules.rulebook import load_rulebook
from ccrules.screening.evaluate import evaluate, judge


def rss_mib() -> float:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS in /proc/self/status")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="10,000 evaluations")
    parser.add_argument("--evaluations", type=int, default=100_000)
    parser.add_argument("--full", action="store_true", help="full explained evaluations")
    args = parser.parse_args()
    n = 10_000 if args.quick else args.evaluations
    rulebook = load_rulebook()
    pool = proposals(500, seed=7)
    step = evaluate if args.full else judge
    for p in pool:  # warm-up: caches, compiled conditions, first allocations
        step(p, rulebook)
    samples, start = [], time.perf_counter()
    for i in range(n):
        step(pool[i % len(pool)], rulebook)
        if (i + 1) % (n // 10) == 0:
            samples.append(round(rss_mib(), 2))
    seconds = time.perf_counter() - start
    print(json.dumps({"evaluations": n, "path": "full" if args.full else "verdict",
                      "seconds": round(seconds, 1), "rss_mib_samples": samples,
                      "rss_growth_mib": round(samples[-1] - samples[0], 2),
                      "target_growth_mib": 10, "machine": machine()}))


if __name__ == "__main__":
    main()
