"""Benchmark: HTTP throughput and p99 latency of POST /api/v1/evaluations on the real server
(`ccrules serve`, gunicorn, 2 workers) against a trivial JSON endpoint (GET /healthz) on the
same server in the same run, as a ratio.

The per-token rate limit is raised for the run. Client: C processes, each sending requests
one after another (a new connection each: gunicorn's sync workers close connections) for a
fixed time per endpoint. The client runs on the same 2-core machine as the server, so both
endpoints pay the same client cost.

    python -m bench.http_load [--quick] [--seconds S] [--clients C]
"""

from __future__ import annotations

import argparse
import http.client
import json
import multiprocessing
import shutil
import statistics
import tempfile
import time
from pathlib import Path

from bench.common import Served, machine, percentile
from ccrules.resources import builtin_examples


def _client(args) -> list[float]:
    port, method, path, body, headers, seconds = args
    latencies, deadline = [], time.perf_counter() + seconds
    while time.perf_counter() < deadline:
        t0 = time.perf_counter()
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        response.read()
        conn.close()
        if response.status not in (200, 201):
            raise RuntimeError(f"{method} {path} answered {response.status}")
        latencies.append(time.perf_counter() - t0)
    return latencies


def load(port, method, path, body, headers, seconds, clients) -> dict:
    with multiprocessing.Pool(clients) as pool:
        results = pool.map(_client, [(port, method, path, body, headers, seconds)] * clients)
    latencies = [x * 1000 for r in results for x in r]
    return {"requests": len(latencies), "per_s": round(len(latencies) / seconds, 1),
            "p50_ms": round(statistics.median(latencies), 2),
            "p99_ms": round(percentile(latencies, 0.99), 2)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="3 s per endpoint")
    parser.add_argument("--seconds", type=float, default=15)
    parser.add_argument("--clients", type=int, default=4)
    args = parser.parse_args()
    seconds = 3 if args.quick else args.seconds
    work = Path(tempfile.mkdtemp(prefix="ccrules-http-"))
    # the per-token rate limit is raised so that it does not cap the measurement
    served = Served.start(work, env={"CCRULES_RATE_LIMIT": "1000000 per minute"})
    port, token = int(served.base.rsplit(":", 1)[1]), served.token
    try:
        proposal = json.loads((builtin_examples() / "ilcop-redesigned.json").read_text())
        body = json.dumps({"proposal": proposal}).encode()
        auth = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
        load(port, "GET", "/healthz", None, {}, 1, args.clients)  # warm-up
        trivial = load(port, "GET", "/healthz", None, {}, seconds, args.clients)
        evaluate = load(port, "POST", "/api/v1/evaluations", body, auth, seconds,
                        args.clients)
        print(json.dumps({"trivial_healthz": trivial, "evaluate": evaluate,
                          "evaluate_over_trivial": round(evaluate["per_s"]
                                                         / trivial["per_s"], 3),
                          "target_ratio": 0.6, "seconds_per_endpoint": seconds,
                          "clients": args.clients, "server_workers": 2,
                          "machine": machine()}))
    finally:
        served.stop()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
