"""Benchmark: in-process evaluation throughput and latency, durable_rules path against the
Python-evaluator path, on seeded generated proposals.

One evaluation = from a validated Proposal to the set of rules that fire: flatten to facts,
then either the durable_rules engine (encode the small fact, assert it, read the fired rules)
or the Python evaluator (every rule's compiled condition). Prints one JSON line.

The two paths run in alternating rounds (which goes first alternates too); each figure is
the median of the rounds with their lowest and highest, and the ratio is taken per round.

    python -m bench.engine [--quick] [--proposals N] [--rounds R]
"""

from __future__ import annotations

import argparse
import json
import statistics
import time

from bench.common import interleaved, machine, percentile, ratio_per_round, spread
from bench.generate import proposals
from ccrules.judging.judge import judge_for
from ccrules.proposal import parse_proposal
from ccrules.proposal.facts import flatten
from ccrules.rulebook import load_rulebook


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer proposals, 3 rounds")
    parser.add_argument("--proposals", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    n, rounds = (500, 3) if args.quick else (args.proposals, args.rounds)
    rulebook = load_rulebook()
    parsed = [parse_proposal(p) for p in proposals(n)]
    judge = judge_for(rulebook)
    engine, evaluators = judge.durable, list(judge.evaluators.values())
    latencies: dict[str, list[float]] = {"durable": [], "python": []}

    def durable_path(proposal):
        return engine.fire(flatten(proposal))

    def python_path(proposal):
        facts = flatten(proposal)
        return [e(facts) for e in evaluators]

    def one_pass(name, fn):
        def run() -> float:
            start = time.perf_counter()
            for item in parsed:
                t0 = time.perf_counter()
                fn(item)
                latencies[name].append((time.perf_counter() - t0) * 1000)
            return len(parsed) / (time.perf_counter() - start)
        return run

    for p in parsed[:50]:  # warm-up, and the two paths must agree
        facts = flatten(p)
        assert engine.fire(facts) == {r.id for r in rulebook.rules
                                      if judge.evaluators[r.id](facts) is True}
    rates = interleaved({"durable": one_pass("durable", durable_path),
                         "python": one_pass("python", python_path)}, rounds)
    fired = statistics.mean(len(engine.fire(flatten(p))) for p in parsed)
    result = {"durable_eval_per_s": spread(rates["durable"], 0),
              "python_eval_per_s": spread(rates["python"], 0),
              "durable_p50_ms": round(statistics.median(latencies["durable"]), 4),
              "durable_p99_ms": round(percentile(latencies["durable"], 0.99), 4),
              "python_p50_ms": round(statistics.median(latencies["python"]), 4),
              "python_over_durable": spread(ratio_per_round(rates["python"],
                                                            rates["durable"]), 2),
              "mean_rules_fired": round(fired, 1), "proposals": n, "rounds": rounds,
              "interleaved": True, "rules": len(rulebook.rules), "machine": machine()}
    print(json.dumps(result))


if __name__ == "__main__":
    main()
