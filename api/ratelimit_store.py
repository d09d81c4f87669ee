"""Rate-limit counters in SQLite, shared by every worker process of one server (flask-limiter's
own memory store is per process, so N workers allowed N times the limit). A fixed window per
key: a row holds the count and when the window ends. Registered with the `limits` library
as the `sqlite` scheme: RATELIMIT_STORAGE_URI = "sqlite:////path/to/file". Several servers
sharing the work share a Redis or Memcached store instead (CCRULES_RATE_LIMIT_STORAGE)."""

from __future__ import annotations

import sqlite3
import threading
import time
from typing import Any

from limits.storage import Storage


class SQLiteStorage(Storage):
    STORAGE_SCHEME = ["sqlite"]

    def __init__(self, uri: str, wrap_exceptions: bool = False, **options: Any) -> None:
        super().__init__(uri, wrap_exceptions=wrap_exceptions, **options)
        self.path = uri.removeprefix("sqlite://")
        self._local = threading.local()
        self._lock = threading.Lock()
        with self._db() as db:
            db.execute("create table if not exists counters (key text primary key, "
                       "count integer not null, expires real not null)")

    @property
    def base_exceptions(self) -> type[Exception]:
        return sqlite3.Error

    def _db(self) -> sqlite3.Connection:
        db = getattr(self._local, "db", None)
        if db is None:
            db = self._local.db = sqlite3.connect(self.path, timeout=10,
                                                  isolation_level=None)
            db.execute("pragma journal_mode = wal")
            db.execute("pragma synchronous = normal")  # counters, not records
        return db

    def incr(self, key: str, expiry: int, amount: int = 1) -> int:
        """One statement, so one short write (a window that has ended starts again);
        this process's threads take turns on a lock rather than on SQLite's, whose
        waits sleep a millisecond or more at a time."""
        now = time.time()
        with self._lock:
            (count,) = self._db().execute(
                "insert into counters (key, count, expires) values (?, ?, ?) "
                "on conflict(key) do update set "
                "count = case when expires <= ? then excluded.count "
                "else count + excluded.count end, "
                "expires = case when expires <= ? then excluded.expires else expires end "
                "returning count", (key, amount, now + expiry, now, now)).fetchone()
        return int(count)

    def get(self, key: str) -> int:
        row = self._db().execute("select count from counters where key = ? and expires > ?",
                                 (key, time.time())).fetchone()
        return int(row[0]) if row else 0

    def get_expiry(self, key: str) -> float:
        row = self._db().execute("select expires from counters where key = ?",
                                 (key,)).fetchone()
        return float(row[0]) if row else time.time()

    def check(self) -> bool:
        return self._db().execute("select 1").fetchone() == (1,)

    def reset(self) -> int | None:
        return self._db().execute("delete from counters").rowcount

    def clear(self, key: str) -> None:
        self._db().execute("delete from counters where key = ?", (key,))
