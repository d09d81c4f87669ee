"""The code stays clean: ruff (pyflakes, pycodestyle, bugbear, import order) finds nothing,
and mypy (with the pydantic plugin) type-checks the package as it installs: the web app as
ccrules.web."""

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def test_ruff_finds_nothing():
    result = subprocess.run([sys.executable, "-m", "ruff", "check", "ccrules", "api", "tests",
                             "bench"], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr


def installed_layout(dest: Path) -> Path:
    """A tree of links laid out as the wheel installs the code (api/ as ccrules/web/), so
    mypy sees the module names the code imports."""
    package = dest / "ccrules"
    for folder, target in ((ROOT / "ccrules", package), (ROOT / "api", package / "web")):
        for source in folder.rglob("*.py"):
            link = target / source.relative_to(folder)
            link.parent.mkdir(parents=True, exist_ok=True)
            link.symlink_to(source)
    return package


@pytest.mark.slow
def test_mypy_finds_nothing(tmp_path):
    package = installed_layout(tmp_path)
    result = subprocess.run([sys.executable, "-m", "mypy", "--config-file",
                             str(ROOT / "pyproject.toml"), "--cache-dir",
                             str(tmp_path / ".mypy_cache"), str(package)], cwd=tmp_path,
                            capture_output=True, text=True, timeout=300)
    report = result.stdout.replace("ccrules/web/", "api/")
    assert result.returncode == 0, report + result.stderr
