"""The code stays clean: ruff (pyflakes, pycodestyle, bugbear, import order) finds nothing,
and mypy (with the pydantic plugin) type-checks the library and the web app as configured."""

import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def test_ruff_finds_nothing():
    result = subprocess.run([sys.executable, "-m", "ruff", "check", "ccrules", "api", "tests",
                             "bench"], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.slow
def test_mypy_finds_nothing(tmp_path):
    """`python -m mypy` as configured in pyproject.toml (the files it checks included)."""
    result = subprocess.run([sys.executable, "-m", "mypy", "--cache-dir",
                             str(tmp_path / ".mypy_cache")], cwd=ROOT,
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    checked = int(re.search(r"in (\d+) source files", result.stdout).group(1))
    assert checked == sum(1 for d in ("ccrules", "api") for _ in (ROOT / d).rglob("*.py"))
