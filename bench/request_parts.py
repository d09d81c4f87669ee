"""Benchmark: where a POST /api/v1/evaluations spends its time, in-process (Flask's test
client, no network, no gunicorn), against GET /healthz.

Four paths, interleaved in rounds (the order reverses every round): the whole request; the
same request with the evaluation replaced by a copy of one computed beforehand (so what is
left is validation, authentication, the rate limiter, storing with its commit, and the
response); the evaluation alone; and /healthz. Each round's figure is the mean time of N
calls; the summary gives the median of the rounds with their spread, and the ratios that
bound what the HTTP benchmark can reach.

    python -m bench.request_parts [--quick] [--calls N] [--rounds R]
"""

from __future__ import annotations

import argparse
import json
import shutil
import tempfile
import time
import uuid
from pathlib import Path
from unittest import mock

from bench.common import interleaved, machine, ratio_per_round, spread, token_in
from ccrules import service
from ccrules.resources import builtin_examples
from ccrules.rulebook import load_rulebook
from ccrules.screening.evaluate import evaluate
from ccrules.web import create_app

EXAMPLE = "ilcop-redesigned"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="100 calls, 3 rounds")
    parser.add_argument("--calls", type=int, default=300)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    calls, rounds = (100, 3) if args.quick else (args.calls, args.rounds)
    work = Path(tempfile.mkdtemp(prefix="ccrules-parts-"))
    proposal = json.loads((builtin_examples() / f"{EXAMPLE}.json").read_text())
    body = json.dumps({"proposal": proposal})
    rulebook = load_rulebook()
    app = create_app({"DATABASE": str(work / "a.db"), "RULEBOOK": rulebook,
                      "RATE_LIMIT": "100000000 per minute"})
    client = app.test_client()
    headers = {"Authorization": f"Bearer {token_in(work / 'a.db')}"}
    computed = evaluate(proposal, rulebook)

    def timed(fn):
        def run() -> float:
            start = time.perf_counter()
            for _ in range(calls):
                fn()
            return (time.perf_counter() - start) / calls * 1000
        return run

    def post():
        response = client.post("/api/v1/evaluations", data=body, headers=headers,
                               content_type="application/json")
        assert response.status_code == 201, response.status_code

    def post_without_evaluation():
        copy = computed.model_copy(update={"id": uuid.uuid4().hex})
        with mock.patch.object(service, "evaluate", return_value=copy):
            post()

    paths = {"request": timed(post), "request_without_evaluation":
             timed(post_without_evaluation), "evaluation_alone":
             timed(lambda: evaluate(proposal, rulebook)), "healthz":
             timed(lambda: client.get("/healthz"))}
    for path in paths.values():
        path()  # warm-up
    ms = interleaved(paths, rounds)
    try:
        print(json.dumps({
            "example": EXAMPLE, **{f"{name}_ms": spread(v, 3) for name, v in ms.items()},
            "healthz_over_request": spread(ratio_per_round(ms["healthz"], ms["request"]), 3),
            "healthz_over_request_without_evaluation": spread(ratio_per_round(
                ms["healthz"], ms["request_without_evaluation"]), 3),
            "calls_per_round": calls, "rounds": rounds, "interleaved": True,
            "machine": machine()}))
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
