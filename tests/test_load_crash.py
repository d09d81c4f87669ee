"""Load and crash: the real server (gunicorn, 2 workers) on loopback under 16 client threads,
and killed with SIGKILL while clients write. Nothing acknowledged is lost."""

import http.client
import json
import os
import signal
import subprocess
import threading
import time
import urllib.error
import urllib.request
from collections import Counter

from ccrules.access import create_token
from ccrules.store import Store

from conftest import BIN, EXAMPLES, ROOT, free_port

PROPOSALS = [json.loads(p.read_text()) for p in sorted(EXAMPLES.glob("*.json"))]


def post(base, token, proposal, timeout=30):
    req = urllib.request.Request(base + "/api/v1/evaluations",
                                 data=json.dumps({"proposal": proposal}).encode(),
                                 headers={"Authorization": f"Bearer {token}",
                                          "Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            return r.status, json.loads(r.read())
    except urllib.error.HTTPError as e:
        return e.code, None


def test_16_clients_x_200_evaluations_all_answered_and_stored(server):
    base, token, db = server
    statuses, ids, lock = Counter(), [], threading.Lock()

    def client(n):
        for i in range(200):
            status, body = post(base, token, PROPOSALS[(n + i) % len(PROPOSALS)])
            with lock:
                statuses[status] += 1
                if body:
                    ids.append(body["id"])
    threads = [threading.Thread(target=client, args=(n,)) for n in range(16)]
    started = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.monotonic() - started
    print(f"load: 3200 evaluations in {elapsed:.1f} s ({3200 / elapsed:.0f}/s)")
    assert statuses == Counter({201: 3200})
    assert len(set(ids)) == 3200  # none duplicated
    store = Store(db)
    try:
        assert store.count() == 3200
        stored = {row[0] for row in store.db.execute("select id from evaluations")}
        assert stored == set(ids)
    finally:
        store.close()


def start(db, port, log):
    proc = subprocess.Popen([str(BIN / "ccrules"), "serve", "--port", str(port), "--db",
                             str(db)], cwd=ROOT, stdout=log, stderr=subprocess.STDOUT,
                            start_new_session=True,
                            env={**os.environ, "CCRULES_RATE_LIMIT": "100000 per minute"})
    base = f"http://127.0.0.1:{port}"
    for _ in range(150):
        try:
            urllib.request.urlopen(base + "/healthz", timeout=1).read()
            return proc, base
        except OSError:
            time.sleep(0.2)
    raise AssertionError("server did not start")


def test_kill_9_while_writing_loses_nothing_acknowledged(tmp_path):
    db = tmp_path / "crash.db"
    store = Store(db)
    token = create_token(store, "crash")
    store.close()
    log = open(tmp_path / "server.log", "wb")
    proc, base = start(db, free_port(), log)
    acknowledged, lock, stop = [], threading.Lock(), threading.Event()

    def client(n):
        i = 0
        while not stop.is_set():
            try:
                status, body = post(base, token, PROPOSALS[(n + i) % len(PROPOSALS)], 5)
            except (OSError, http.client.HTTPException):
                continue  # killed mid-request or gone: not acknowledged; keep trying
            i += 1
            if status == 201:
                with lock:
                    acknowledged.append(body["id"])
    threads = [threading.Thread(target=client, args=(n,)) for n in range(6)]
    for t in threads:
        t.start()
    time.sleep(2.0)
    os.killpg(proc.pid, signal.SIGKILL)  # master and workers, mid-write
    proc.wait(timeout=10)
    time.sleep(0.5)
    stop.set()
    for t in threads:
        t.join()
    assert len(acknowledged) > 50, "the clients should have written before the kill"

    proc, base = start(db, free_port(), log)  # restart on the same database
    try:
        store = Store(db)
        try:
            assert store.db.execute("pragma integrity_check").fetchone()[0] == "ok"
            stored = {row[0] for row in store.db.execute("select id from evaluations")}
        finally:
            store.close()
        missing = set(acknowledged) - stored
        print(f"crash: {len(acknowledged)} acknowledged, {len(stored)} stored, "
              f"{len(missing)} missing")
        assert not missing
        status, _ = post(base, token, PROPOSALS[0])
        assert status == 201  # and it serves again
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=20)
        log.close()
