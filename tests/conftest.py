"""Shared fixtures: the project's rulebook, a CLI runner, the examples folder."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import settings

from ccrules.rulebook import DEFAULT_RULES, load_rulebook

# Property tests explore new examples on every local run; in CI they replay a fixed set, so
# a run is reproducible and a landing cannot hinge on a lucky draw.
settings.register_profile("ci", derandomize=True, database=None)
if os.environ.get("CI") == "true":
    settings.load_profile("ci")

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"


@pytest.fixture(scope="session")
def rulebook():
    return load_rulebook(DEFAULT_RULES)


@pytest.fixture
def runner():
    return CliRunner()


@pytest.fixture
def rules_copy(tmp_path):
    """A writable copy of the rules folder, for tests that break or change rules."""
    dest = tmp_path / "rules"
    shutil.copytree(DEFAULT_RULES, dest)
    return dest


def example(name: str) -> dict:
    return json.loads((EXAMPLES / f"{name}.json").read_text())


@pytest.fixture
def app(tmp_path):
    from api import create_app
    return create_app({"TESTING": True, "DATABASE": str(tmp_path / "audit.db")})


@pytest.fixture
def client(app):
    return app.test_client()


def make_token(app, name="tester", admin=False) -> str:
    from ccrules.access import create_token
    from ccrules.store import Store
    store = Store(app.config["DATABASE"])
    try:
        return create_token(store, name, admin=admin)
    finally:
        store.close()


@pytest.fixture
def auth(app):
    """Headers with a fresh token for the app's database."""
    return {"Authorization": f"Bearer {make_token(app)}"}


BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def server(tmp_path):
    """The real service (`ccrules serve`, gunicorn) on a free loopback port, with a token:
    yields (base URL, token, database path)."""
    from ccrules.access import create_token
    from ccrules.store import Store
    db = tmp_path / "served.db"
    store = Store(db)
    token = create_token(store, "http-test")
    store.close()
    port = free_port()
    log = open(tmp_path / "server.log", "wb")
    proc = subprocess.Popen([str(BIN / "ccrules"), "serve", "--port", str(port), "--db",
                             str(db)], cwd=ROOT, stdout=log, stderr=subprocess.STDOUT,
                            env={"CCRULES_RATE_LIMIT": "100000 per minute", **os.environ})
    (tmp_path / "server.pid").write_text(str(proc.pid))
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            urllib.request.urlopen(base + "/healthz", timeout=2).read()
            break
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                proc.kill()
                log.close()
                pytest.fail("server did not start: " + (tmp_path / "server.log").read_text())
            time.sleep(0.2)
    yield base, token, db
    proc.terminate()
    proc.wait(timeout=20)
    log.close()
