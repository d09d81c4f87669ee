"""Shared fixtures: the project's rulebook, a CLI runner, the examples folder."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from ccrules.rulebook import DEFAULT_RULES, load_rulebook

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
