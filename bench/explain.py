"""Benchmark: the time to compute the full explained evaluation (findings with reasons,
why-not, the verdict range, ranked missing information, engine-confirmed counterfactuals,
options) for each example proposal, and the cost of a sparse draft against a complete
proposal as a ratio.

The examples run in rounds, in an order that reverses every round; a round's figure for an
example is the median of its runs in that round. Prints one JSON line per example (median
of the rounds, with their lowest and highest), then a summary line with the ratio of
incomplete-draft to michigan-keystone, taken per round.

    python -m bench.explain [--runs N] [--rounds R] [--quick]
"""

from __future__ import annotations

import argparse
import json
import statistics
import time

from bench.common import interleaved, machine, ratio_per_round, spread
from ccrules.resources import builtin_examples
from ccrules.rulebook import load_rulebook
from ccrules.screening.evaluate import evaluate

EXAMPLES = builtin_examples()
SPARSE, COMPLETE = "incomplete-draft", "michigan-keystone"
TARGET_RATIO = 3.0  # issue 14: a sparse draft within 3x a complete proposal's p50


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15, help="timed runs per example a round")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--quick", action="store_true", help="5 runs, 3 rounds")
    args = parser.parse_args()
    runs, rounds = (5, 3) if args.quick else (args.runs, args.rounds)
    rulebook = load_rulebook()
    data = {path.stem: json.loads(path.read_text()) for path in sorted(EXAMPLES.glob("*.json"))}
    last = {name: evaluate(proposal, rulebook) for name, proposal in data.items()}  # warm-up

    def timing(proposal):
        def run() -> float:
            times = []
            for _ in range(runs):
                start = time.perf_counter()
                evaluate(proposal, rulebook)
                times.append((time.perf_counter() - start) * 1000)
            return statistics.median(times)
        return run

    p50s = interleaved({name: timing(proposal) for name, proposal in data.items()}, rounds)
    for name, figures in p50s.items():
        ev = last[name]
        print(json.dumps({"example": name, "verdict": ev.verdict.value,
                          "completeness": ev.completeness, "missing": len(ev.missing),
                          "counterfactuals": len(ev.counterfactuals),
                          "p50_ms": spread(figures, 2)}))
    print(json.dumps({"summary": True,
                      f"{SPARSE}_over_{COMPLETE}": spread(
                          ratio_per_round(p50s[SPARSE], p50s[COMPLETE]), 2),
                      "target_ratio_at_most": TARGET_RATIO, "runs_per_round": runs,
                      "rounds": rounds, "interleaved": True, "machine": machine()}))


if __name__ == "__main__":
    main()
