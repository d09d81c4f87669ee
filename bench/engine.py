"""Benchmark: in-process evaluation throughput and latency, durable_rules path against the
Python-evaluator path, on seeded generated proposals.

One evaluation = from a validated Proposal to the set of rules that fire: flatten to facts,
then either the durable_rules engine (encode the small fact, assert it, read the fired rules)
or the Python evaluator (every rule's compiled condition). Prints one JSON line.

    python -m bench.engine [--quick] [--proposals N] [--repeats R]
"""

from __future__ import annotations

import argparse
import json
import statistics
import time

from bench.common import machine, percentile
from bench.generate import proposals
from ccrules.judging.judge import judge_for
from ccrules.proposal import parse_proposal
from ccrules.proposal.facts import flatten
from ccrules.rulebook import load_rulebook


def run(label, fn, items, repeats):
    """Median throughput over `repeats` passes; latencies from every call."""
    rates, latencies = [], []
    for _ in range(repeats):
        start = time.perf_counter()
        for item in items:
            t0 = time.perf_counter()
            fn(item)
            latencies.append(time.perf_counter() - t0)
        rates.append(len(items) / (time.perf_counter() - start))
    ms = [x * 1000 for x in latencies]
    return {f"{label}_eval_per_s": round(statistics.median(rates)),
            f"{label}_p50_ms": round(statistics.median(ms), 4),
            f"{label}_p99_ms": round(percentile(ms, 0.99), 4)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer proposals and repeats")
    parser.add_argument("--proposals", type=int, default=2000)
    parser.add_argument("--repeats", type=int, default=7)
    args = parser.parse_args()
    n, repeats = (500, 3) if args.quick else (args.proposals, args.repeats)
    rulebook = load_rulebook()
    parsed = [parse_proposal(p) for p in proposals(n)]
    judge = judge_for(rulebook)
    engine, evaluators = judge.durable, list(judge.evaluators.values())

    def durable_path(proposal):
        return engine.fire(flatten(proposal))

    def python_path(proposal):
        facts = flatten(proposal)
        return [e(facts) for e in evaluators]

    for p in parsed[:50]:  # warm-up, and the two paths must agree
        facts = flatten(p)
        assert engine.fire(facts) == {r.id for r in rulebook.rules
                                      if judge.evaluators[r.id](facts) is True}
    durable = run("durable", durable_path, parsed, repeats)
    python = run("python", python_path, parsed, repeats)
    fired = statistics.mean(len(engine.fire(flatten(p))) for p in parsed)
    result = {**durable, **python,
              "p50_ms": durable["durable_p50_ms"], "p99_ms": durable["durable_p99_ms"],
              "python_over_durable": round(python["python_eval_per_s"]
                                           / durable["durable_eval_per_s"], 2),
              "mean_rules_fired": round(fired, 1), "proposals": n, "repeats": repeats,
              "rules": len(rulebook.rules), "machine": machine()}
    print(json.dumps(result))


if __name__ == "__main__":
    main()
