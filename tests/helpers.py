"""Test helpers that are not fixtures: the examples, tokens, and a page client that signs in
and posts forms with their CSRF token. The real server, HTTP calls to it and rule editing
come from bench/common.py, which the benchmarks share."""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from typing import Any

from bench.common import (  # noqa: F401 (re-exported for the tests)
    Served,
    call,
    free_port,
    post_evaluation,
    set_severity,
    token_in,
    wait_until,
)

from ccrules.resources import builtin_examples

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = builtin_examples()
BIN = Path(sys.executable).parent


# the least a proposal must say to be judged (a title and a summary alone are refused)
ANSWERED = {"context": {"sites_enrolled": 3}}


def example(name: str) -> dict:
    return json.loads((EXAMPLES / f"{name}.json").read_text())


def example_names() -> list[str]:
    return sorted(p.stem for p in EXAMPLES.glob("*.json"))


def make_token(app_or_db: Any, name: str = "tester", admin: bool = False) -> str:
    db = app_or_db.config["DATABASE"] if hasattr(app_or_db, "config") else app_or_db
    return token_in(db, name, admin)


class PageClient:
    """Flask's test client used as a browser would: it signs in and sends each form with the
    CSRF token the page gave it."""

    def __init__(self, client: Any):
        self.client = client

    def csrf(self, path: str = "/") -> str:
        page = self.client.get(path).get_data(as_text=True)
        match = re.search(r'name="csrf_token" value="([^"]+)"', page)
        assert match, f"no CSRF token on {path}"
        return match.group(1)

    def sign_in(self, token: str) -> Any:
        return self.client.post("/signin", data={"token": token,
                                                 "csrf_token": self.csrf("/signin")})

    def get(self, path: str, **kw: Any) -> Any:
        return self.client.get(path, **kw)

    def post(self, path: str, data: dict | None = None, **kw: Any) -> Any:
        return self.client.post(path, data={"csrf_token": self.csrf(), **(data or {})}, **kw)




SHOTS = ROOT / "test-output" / "browser"


def shot(pg: Any, name: str) -> None:
    """A full-page screenshot under test-output/browser/."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    pg.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)
