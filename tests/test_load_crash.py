"""Load and crash: the real server (gunicorn, 2 workers) on loopback under 16 client threads,
and killed with SIGKILL while clients write. Nothing acknowledged is lost."""

import http.client
import threading
import time
from collections import Counter

import pytest

from ccrules.store import Store

from helpers import Served, example, example_names, post_evaluation, wait_until

pytestmark = [pytest.mark.server, pytest.mark.slow]
PROPOSALS = [example(name) for name in example_names()]


def test_16_clients_x_200_evaluations_all_answered_and_stored(server):
    statuses, ids, lock = Counter(), [], threading.Lock()

    def client(n):
        for i in range(200):
            status, body = post_evaluation(server.base, server.token,
                                           PROPOSALS[(n + i) % len(PROPOSALS)])
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
    store = Store(server.db)
    try:
        assert store.count() == 3200
        stored = {row[0] for row in store.db.execute("select id from evaluations")}
        assert stored == set(ids)
    finally:
        store.close()


def test_kill_9_while_writing_loses_nothing_acknowledged(tmp_path):
    served = Served.start(tmp_path)
    acknowledged, lock, stop = [], threading.Lock(), threading.Event()

    def client(n):
        i = 0
        while not stop.is_set():
            try:
                status, body = post_evaluation(served.base, served.token,
                                               PROPOSALS[(n + i) % len(PROPOSALS)], 5)
            except (OSError, http.client.HTTPException):
                continue  # killed mid-request or gone: not acknowledged; keep trying
            i += 1
            if status == 201:
                with lock:
                    acknowledged.append(body["id"])
    threads = [threading.Thread(target=client, args=(n,)) for n in range(6)]
    for t in threads:
        t.start()
    wait_until(lambda: len(acknowledged) >= 100, what="100 acknowledged writes")
    served.kill()  # master and workers, mid-write
    stop.set()
    for t in threads:
        t.join()

    again = Served.start(tmp_path, db=served.db, token=served.token)  # the same database
    try:
        store = Store(served.db)
        try:
            assert store.db.execute("pragma integrity_check").fetchone()[0] == "ok"
            stored = {row[0] for row in store.db.execute("select id from evaluations")}
        finally:
            store.close()
        missing = set(acknowledged) - stored
        print(f"crash: {len(acknowledged)} acknowledged, {len(stored)} stored, "
              f"{len(missing)} missing")
        assert not missing
        assert post_evaluation(again.base, again.token, PROPOSALS[0])[0] == 201  # serves again
    finally:
        again.stop()
