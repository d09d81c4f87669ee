"""Shared by the benchmarks and the tests: the machine's description, percentiles, the real
server (`ccrules serve` on a free loopback port), HTTP calls to it, and editing rule files."""

from __future__ import annotations

import json
import os
import platform
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

BIN = Path(sys.executable).parent


def machine() -> dict:
    cpu = ""
    try:
        with open("/proc/cpuinfo") as f:
            cpu = next((line.split(":", 1)[1].strip() for line in f
                        if line.startswith("model name")), "")
    except OSError:
        pass
    return {"python": platform.python_version(), "cpus": os.cpu_count(), "cpu": cpu,
            "system": f"{platform.system()} {platform.machine()}"}


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))
    return ordered[index]


def summary_ms(seconds: list[float]) -> dict:
    ms = [s * 1000 for s in seconds]
    return {"p50_ms": round(statistics.median(ms), 2), "p90_ms": round(percentile(ms, 0.9), 2),
            "max_ms": round(max(ms), 2)}


def token_in(db: str | Path, name: str = "tester", admin: bool = False,
             owner: str | None = None) -> str:
    """A new API token in the audit database at `db` (owned by the user `owner`, an
    e-mail, if given)."""
    from ccrules.store import Store
    from ccrules.store.tokens import create_token
    store = Store(db)
    try:
        return create_token(store, name, admin=admin, owner=owner)
    finally:
        store.close()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# --- comparing paths on a shared, noisy machine ---------------------------------------------

def spread(values: list[float], digits: int = 3) -> dict:
    """Median with the lowest and highest of the rounds."""
    return {"median": round(statistics.median(values), digits),
            "min": round(min(values), digits), "max": round(max(values), digits)}


def interleaved(paths: dict[str, Any], rounds: int) -> dict[str, list[float]]:
    """Run each path once per round, alternating which goes first, so that a slow spell on
    the machine falls on both. Each path is a callable returning one figure for its round;
    returns every round's figure, by path."""
    if rounds < 3:
        raise ValueError("at least 3 rounds: a median of fewer says little")
    names = list(paths)
    figures: dict[str, list[float]] = {name: [] for name in names}
    for r in range(rounds):
        for name in (names if r % 2 == 0 else names[::-1]):
            figures[name].append(paths[name]())
    return figures


def ratio_per_round(top: list[float], bottom: list[float]) -> list[float]:
    return [a / b for a, b in zip(top, bottom, strict=True)]


# --- the real server -------------------------------------------------------------------------

def call(base: str, path: str, token: str | None = None, body: Any = None,
         method: str | None = None, timeout: float = 30) -> tuple[int, dict, Any]:
    """One HTTP request to the real server: (status, headers, JSON body or None)."""
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(base + path, data=data, headers=headers,
                                 method=method or ("POST" if data is not None else "GET"))
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            return r.status, dict(r.headers), json.loads(r.read() or b"null")
    except urllib.error.HTTPError as e:
        raw = e.read()
        return e.code, dict(e.headers), json.loads(raw) if raw else None


def post_evaluation(base: str, token: str, proposal: dict,
                    timeout: float = 30) -> tuple[int, Any]:
    status, _, body = call(base, "/api/v1/evaluations", token, {"proposal": proposal},
                           timeout=timeout)
    return status, body


def wait_until(check: Any, timeout: float = 30, every: float = 0.1, what: str = "") -> Any:
    """Poll `check()` until it returns something true; fail after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        result = check()
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what or check}")
        time.sleep(every)


def user_in(db: str | Path, name: str = "tester", role: str = "officer") -> tuple[str, str]:
    """A new user with a local password in the audit database at `db`: (e-mail, password)."""
    import secrets

    from ccrules.store import Store
    from ccrules.store.users import add_user
    email = f"{re.sub(r'[^a-z0-9]+', '.', name.lower()).strip('.') or 'user'}." \
            f"{secrets.token_hex(3)}@example.org"
    password = secrets.token_urlsafe(12)
    store = Store(db)
    try:
        add_user(store, name, email, role, password)
    finally:
        store.close()
    return email, password


@dataclass
class Served:
    """`ccrules serve` (gunicorn) on a free loopback port, with its own database and token."""

    base: str
    token: str
    db: Path
    proc: subprocess.Popen
    log_path: Path
    user: tuple[str, str] = ("", "")  # an officer's e-mail and password, for the pages

    @classmethod
    def start(cls, folder: Path, rules: Path | None = None, db: Path | None = None,
              token: str | None = None, env: dict | None = None,
              user_role: str = "officer") -> Served:
        db = db or folder / "served.db"
        token = token or token_in(db, "http-test")
        user = user_in(db, "Olive Officer" if user_role == "officer" else f"An {user_role}",
                       user_role)
        port = free_port()
        log_path = folder / f"server-{port}.log"
        args = [str(BIN / "ccrules"), "serve", "--port", str(port), "--db", str(db)]
        if rules:
            args += ["--rules", str(rules)]
        with open(log_path, "wb") as log:
            proc = subprocess.Popen(args, cwd=folder, stdout=log, stderr=subprocess.STDOUT,
                                    start_new_session=True, env={
                                        **os.environ, "CCRULES_RATE_LIMIT": "100000 per minute",
                                        **(env or {})})
        served = cls(f"http://127.0.0.1:{port}", token, db, proc, log_path, user)
        try:
            wait_until(served.healthy, timeout=30, every=0.2, what="the server to start")
        except AssertionError:
            served.kill()
            raise AssertionError("server did not start: " + served.log()) from None
        return served

    def healthy(self) -> bool:
        if self.proc.poll() is not None:
            raise AssertionError("server exited: " + self.log())
        try:
            return call(self.base, "/healthz", timeout=2)[0] == 200
        except OSError:
            return False

    def version(self) -> str:
        return call(self.base, "/healthz", timeout=10)[2]["ruleset"]

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def wait_for_log(self, text: str, timeout: float = 30) -> None:
        wait_until(lambda: text in self.log(), timeout, what=f"{text!r} in the server log")

    def workers(self) -> set[int]:
        """The pids of the master's worker processes, read from /proc."""
        path = Path(f"/proc/{self.proc.pid}/task/{self.proc.pid}/children")
        return {int(p) for p in path.read_text().split()} if path.exists() else set()

    def signal(self, sig: int) -> None:
        os.kill(self.proc.pid, sig)  # the gunicorn master

    def kill(self) -> None:
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)  # master and workers at once
        except ProcessLookupError:
            pass  # already gone
        self.proc.wait(timeout=10)

    def stop(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            self.proc.wait(timeout=20)


# --- editing rules ---------------------------------------------------------------------------

def rules_copy(dest: Path) -> Path:
    """A writable copy of the built-in rules folder at `dest` (for a change to measure)."""
    from ccrules.resources import builtin_rules
    shutil.copytree(builtin_rules(), dest, ignore=shutil.ignore_patterns("__*"))
    return dest


def set_severity(folder: Path, rule_id: str, severity: str) -> None:
    """Change one rule's severity in a rules folder, editing the parsed YAML."""
    for path in folder.glob("*.yaml"):
        data = yaml.safe_load(path.read_text())
        for rule in data.get("rules", []):
            if rule["id"] == rule_id:
                rule["severity"] = severity
                path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True))
                return
    raise KeyError(rule_id)
