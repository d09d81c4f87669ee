"""Benchmark: the time to compute the full explanation (findings with reasons, why-not,
ranked missing information, engine-confirmed counterfactuals, menu options) for each
example proposal. Prints one JSON line per example, then a summary line.

    python -m bench.explain [--runs N] [--quick]
"""

from __future__ import annotations

import argparse
import json
import time

from bench.common import machine, summary_ms
from ccrules.resources import builtin_examples
from ccrules.rulebook import load_rulebook
from ccrules.screening.evaluate import evaluate

EXAMPLES = builtin_examples()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=30, help="timed runs per example")
    parser.add_argument("--quick", action="store_true", help="5 runs per example")
    args = parser.parse_args()
    runs = 5 if args.quick else args.runs
    rulebook = load_rulebook()
    all_times = []
    for path in sorted(EXAMPLES.glob("*.json")):
        data = json.loads(path.read_text())
        evaluate(data, rulebook)  # warm-up
        times = []
        for _ in range(runs):
            start = time.perf_counter()
            ev = evaluate(data, rulebook)
            times.append(time.perf_counter() - start)
        all_times += times
        print(json.dumps({"example": path.stem, "verdict": ev.verdict.value,
                          "counterfactuals": len(ev.counterfactuals),
                          "missing": len(ev.missing), "runs": runs, **summary_ms(times)}))
    print(json.dumps({"all_examples": True, "runs": len(all_times), **summary_ms(all_times),
                      "target_p50_ms": 200, "machine": machine()}))


if __name__ == "__main__":
    main()
