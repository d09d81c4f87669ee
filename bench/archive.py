"""Benchmark: a funder's whole archive. Builds (once, in a temporary folder) an audit store of
N evaluations of generated proposals, stored through the real store (Store.save_many, in
batches); each row's result is a full evaluation of the example whose verdict the generated
proposal gets (so rows are realistic in size and in their listing columns), with the
proposal's own id, title, reference, applicant and date. Then, in-process through Flask's
test client signed in as the officer who owns them all:

1. the round page and the API list, each way they are asked (sorts, a text search, a verdict
   filter, a deep page by offset and by cursor): latency, median of R interleaved rounds
   with the spread;
2. the CSV and Excel exports of the whole archive: rows/s and peak RSS;
3. `rules impact` (re-judging every stored proposal under a changed rule) over the whole
   archive: time and peak RSS;
4. storage: bytes per stored evaluation, over the archive and for the nine examples.

Prints one JSON line per figure.

    python -m bench.archive [--quick] [--evaluations N] [--rounds R]
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import tempfile
import threading
import time
import uuid
from datetime import datetime, timedelta, timezone
from pathlib import Path

from bench.common import (
    interleaved,
    machine,
    rules_copy,
    set_severity,
    spread,
    token_in,
    user_in,
)
from bench.generate import proposals
from ccrules.authoring.impact import impact
from ccrules.judging.judge import judge_for
from ccrules.proposal import parse_proposal
from ccrules.resources import builtin_examples
from ccrules.rulebook import load_rulebook
from ccrules.screening.evaluate import evaluate, judge
from ccrules.store import Store
from ccrules.store.keyset import Order

TARGETS = {"list_ms": 300, "csv_rows_per_s": 5000, "excel_rows_per_s": 2000,
           "impact_s": 120, "bytes_per_example": 8192}
BATCH = 500


def emit(**figure) -> None:
    print(json.dumps(figure), flush=True)


def rss_mib() -> float:
    with open("/proc/self/status") as f:
        line = next(x for x in f if x.startswith("VmRSS:"))
    return int(line.split()[1]) / 1024


class PeakRss:
    """The highest RSS seen while the block runs (sampled every 20 ms)."""

    def __enter__(self) -> PeakRss:
        self.start = self.peak = rss_mib()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()
        return self

    def _sample(self) -> None:
        while not self._stop.wait(0.02):
            self.peak = max(self.peak, rss_mib())

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, rss_mib())

    def figures(self) -> dict:
        return {"rss_start_mib": round(self.start, 1), "rss_peak_mib": round(self.peak, 1),
                "rss_growth_mib": round(self.peak - self.start, 1)}


def templates(rulebook) -> dict[str, list]:
    """Full evaluations of the examples, by verdict."""
    found: dict[str, list] = {}
    for path in sorted(builtin_examples().glob("*.json")):
        ev = evaluate(json.loads(path.read_text()), rulebook)
        found.setdefault(ev.verdict.value, []).append(ev)
    return found


def build(store: Store, rulebook, n: int, owner: str) -> dict:
    """N evaluations through Store.save_many; returns how long it took and the mix."""
    by_verdict = templates(rulebook)
    start = datetime(2024, 1, 1, tzinfo=timezone.utc)
    t0 = time.perf_counter()
    mix: dict[str, int] = {}
    batch: list = []
    for i, raw in enumerate(proposals(n)):
        proposal = parse_proposal(raw)
        verdict = judge(proposal, rulebook).verdict.value
        choices = by_verdict.get(verdict) or next(iter(by_verdict.values()))
        mix[verdict] = mix.get(verdict, 0) + 1
        when = (start + timedelta(minutes=15 * (i // 4))).isoformat(timespec="seconds")
        ev = choices[i % len(choices)].model_copy(update={
            "id": uuid.UUID(int=i * 2654435761 % 2**128, version=4).hex,
            "title": proposal.title, "reference": proposal.reference,
            "applicant": raw.get("applicant"), "created_at": when})
        batch.append((ev, proposal.model_dump(mode="json", exclude_none=True)))
        if len(batch) == BATCH:
            store.save_many(batch, rulebook, owner)
            batch = []
    if batch:
        store.save_many(batch, rulebook, owner)
    return {"build_s": round(time.perf_counter() - t0, 1), "verdicts": mix}


def signed_in(app, user: tuple[str, str]):
    import re
    client = app.test_client()
    page = client.get("/signin").get_data(as_text=True)
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    r = client.post("/signin", data={"email": user[0], "password": user[1],
                                     "csrf_token": csrf})
    assert r.status_code == 302, r.status_code
    return client


def deep_cursor(store: Store, owner: str, position: int) -> str:
    """The cursor a client holds after paging to `position` (newest first)."""
    row = store.db.execute("select id, created_at from evaluations where owner = ? "
                           "order by created_at desc, id desc limit 1 offset ?",
                           [owner, position - 1]).fetchone()
    return Order("created_at", True).cursor({"id": row[0], "created_at": row[1]})


def latencies(client, auth: dict, cursor: str, n: int, rounds: int) -> None:
    deep_page = max(1, n // 50 - 1)
    asked = {
        "page: round, newest first": "/evaluations",
        "page: sorted by verdict": "/evaluations?sort=verdict",
        "page: sorted by title": "/evaluations?sort=title&dir=asc",
        "page: text search (one match)": f"/evaluations?q=GEN-{n // 2}",
        "page: text search (every row)": "/evaluations?q=Generated",
        "page: verdict filter": "/evaluations?verdict=conditional",
        f"page: page {deep_page} (offset)": f"/evaluations?page={deep_page}",
        "api: list, newest first": "/api/v1/evaluations?limit=50",
        "api: offset 5000": "/api/v1/evaluations?limit=50&offset=5000",
        f"api: offset {n - 50}": f"/api/v1/evaluations?limit=50&offset={n - 50}",
        f"api: cursor at {n - 50}": f"/api/v1/evaluations?limit=50&cursor={cursor}",
        "api: sorted by applicant": "/api/v1/evaluations?limit=50&sort=applicant",
        "api: text search": f"/api/v1/evaluations?limit=50&q=GEN-{n // 3}",
        "api: since a date": "/api/v1/evaluations?limit=50&since=2025-06-01",
    }

    def timed(path: str):
        headers = auth if path.startswith("/api/") else {}

        def run() -> float:
            t0 = time.perf_counter()
            r = client.get(path, headers=headers)
            ms = (time.perf_counter() - t0) * 1000
            assert r.status_code == 200, (path, r.status_code)
            return ms
        return run
    for path in asked.values():
        timed(path)()  # warm-up
    ms = interleaved({name: timed(path) for name, path in asked.items()}, rounds)
    for name, path in asked.items():
        emit(figure="list_latency_ms", what=name, path=path, ms=spread(ms[name], 1),
             rounds=rounds, target_ms=TARGETS["list_ms"],
             met=statistics.median(ms[name]) < TARGETS["list_ms"])


def export(client, path: str, n: int, name: str, target: int) -> None:
    with PeakRss() as rss:
        t0 = time.perf_counter()
        r = client.get(path)
        size = sum(len(chunk) for chunk in r.response)
        seconds = time.perf_counter() - t0
        r.close()
    assert r.status_code == 200, r.status_code
    emit(figure=f"{name}_export", rows=n, seconds=round(seconds, 2),
         rows_per_s=round(n / seconds), bytes=size, target_rows_per_s=target,
         met=n / seconds >= target, streamed=r.is_streamed, **rss.figures())


def storage(store: Store, path: Path, n: int, rulebook, work: Path) -> None:
    body = store.db.execute("select avg(length(proposal) + length(result) + "
                            "coalesce(length(asks), 0)) from evaluation_bodies").fetchone()[0]
    emit(figure="archive_storage", evaluations=n,
         file_bytes_per_evaluation=round(path.stat().st_size / n),
         body_bytes_per_evaluation=round(body))
    examples = Store(work / "examples.db")
    try:
        items = [(evaluate(json.loads(p.read_text()), rulebook), json.loads(p.read_text()))
                 for p in sorted(builtin_examples().glob("*.json"))]
        texts = examples.save_many(items, rulebook)
        stored = examples.db.execute(
            "select avg(length(proposal) + length(result) + coalesce(length(asks), 0)), "
            "(select avg(length(id) + length(created_at) + length(verdict) + "
            "length(coalesce(title, '')) + length(coalesce(reference, '')) + "
            "length(ruleset_version) + 40) from evaluations) from evaluation_bodies"
        ).fetchone()
        raw = sum(len(t.encode()) + len(json.dumps(p).encode())
                  for t, (_, p) in zip(texts, items, strict=True)) / len(items)
        emit(figure="example_storage", examples=len(items),
             result_and_proposal_json_bytes=round(raw),
             stored_body_bytes=round(stored[0]), listing_row_bytes=round(stored[1]),
             bytes_per_evaluation=round(stored[0] + stored[1]),
             target_bytes=TARGETS["bytes_per_example"],
             met=stored[0] + stored[1] <= TARGETS["bytes_per_example"])
    finally:
        examples.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="5,000 evaluations")
    parser.add_argument("--evaluations", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    n = 5000 if args.quick else args.evaluations
    work = Path(tempfile.mkdtemp(prefix="ccrules-archive-"))
    try:
        rules = rules_copy(work / "rules")
        rulebook = load_rulebook(rules)
        db = work / "archive.db"
        person = user_in(db, "officer")
        officer = token_in(db, "officer", owner=person[0])  # the person reads what it stores
        store = Store(db)
        owner = store.db.execute("select id from tokens").fetchone()[0]
        built = build(store, rulebook, n, owner)
        emit(figure="archive_built", evaluations=n, **built, machine=machine())
        storage(store, db, n, rulebook, work)

        from ccrules.web import create_app
        app = create_app({"DATABASE": str(db), "RULEBOOK": rulebook,
                          "SESSION_COOKIE_SECURE": False})
        pages = signed_in(app, person)
        latencies(pages, {"Authorization": f"Bearer {officer}"},
                  deep_cursor(store, owner, n - 50), n, args.rounds)
        export(pages, "/evaluations.csv", n, "csv", TARGETS["csv_rows_per_s"])
        export(pages, "/evaluations.xlsx", n, "excel", TARGETS["excel_rows_per_s"])

        set_severity(rules, "IM-05", "blocker")  # the change: a major becomes a blocker
        changed = load_rulebook(rules)
        _ = judge_for(changed).durable
        with PeakRss() as rss:
            t0 = time.perf_counter()
            report = impact(store, changed)
            seconds = time.perf_counter() - t0
        emit(figure="rules_impact", evaluations=report.total, seconds=round(seconds, 1),
             per_evaluation_ms=round(1000 * seconds / report.total, 3),
             changed=len(report.changed), target_s=TARGETS["impact_s"],
             met=seconds < TARGETS["impact_s"], **rss.figures())
        store.close()
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
