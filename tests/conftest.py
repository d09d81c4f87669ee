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
