"""The set-up contract, by behaviour: .ci/run installs what the suite needs and keeps make's
exit code (pytest's 5, no test ran, fails the run); the make targets bootstrap a venv."""

import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from helpers import ROOT, make_token


def fake_tools(folder: Path, **scripts: str) -> dict:
    """An environment whose PATH holds only `scripts` (name -> shell body) and the basics."""
    folder.mkdir(exist_ok=True)
    for name, body in scripts.items():
        path = folder / name
        path.write_text(f"#!/bin/sh\n{body}\n")
        path.chmod(path.stat().st_mode | stat.S_IEXEC)
    for tool in ("bash", "dirname", "id", "env"):
        (folder / tool).symlink_to(shutil.which(tool))
    return {"PATH": str(folder), "HOME": os.environ.get("HOME", "/tmp")}


def test_ci_keeps_the_exit_code_of_make_test(tmp_path):
    for code in (0, 1, 5):
        env = fake_tools(tmp_path / f"bin{code}", chromium="exit 0", jq="exit 0",
                         make=f'echo "make $*"; exit {code}')
        result = subprocess.run([str(ROOT / ".ci" / "run")], env=env, capture_output=True,
                                text=True, timeout=60)
        assert result.returncode == code and result.stdout == "make test\n"


def test_ci_installs_what_is_missing(tmp_path):
    env = fake_tools(tmp_path / "bin", make="exit 0")
    result = subprocess.run([str(ROOT / ".ci" / "run"), "--dry-run"], env=env,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0
    assert result.stdout.splitlines() == ["would install: chromium chromium-driver jq",
                                          "would run: make test"]
    env = fake_tools(tmp_path / "bin2", make="exit 0", chromium="exit 0", jq="exit 0")
    result = subprocess.run([str(ROOT / ".ci" / "run"), "--dry-run"], env=env,
                            capture_output=True, text=True, timeout=60)
    assert result.stdout.splitlines() == ["would run: make test"]


def test_make_targets_bootstrap_a_venv_before_running(tmp_path):
    for target in ("run", "test", "quick"):
        env = {k: v for k, v in os.environ.items() if not k.startswith("MAKE")}
        result = subprocess.run(["make", "--no-print-directory", "-n", target,
                                 "VENV=" + str(tmp_path / "venv")], cwd=ROOT, env=env,
                                capture_output=True, text=True, timeout=60)
        lines = result.stdout.splitlines()
        assert result.returncode == 0
        make_venv = next(i for i, line in enumerate(lines) if "-m venv" in line)
        install = next(i for i, line in enumerate(lines) if "pip install" in line and "-e" in line)
        last = lines[-1]
        assert make_venv < install < len(lines) - 1, lines
        assert {"run": "ccrules serve", "test": "-m pytest", "quick": "-m pytest"}[target] in last


@pytest.mark.slow
def test_an_exported_database_is_left_untouched_by_the_suite(tmp_path):
    """A developer with CCRULES_DATABASE (and other settings) exported runs the tests: the
    database is not opened, and the settings change nothing."""
    import hashlib

    from ccrules.store import Store
    real = tmp_path / "real.db"
    make_token(real, "the real one")
    Store(real).close()
    before = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in tmp_path.iterdir()}
    env = {**os.environ, "CCRULES_DATABASE": str(real), "CCRULES_RATE_LIMIT": "1 per hour",
           "CCRULES_RULES": str(tmp_path / "no-such-rules")}
    result = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                             "tests/test_api.py", "tests/test_cli.py", "tests/test_pages.py",
                             "tests/test_cli_round.py", "tests/test_audit.py"],
                            cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stdout[-3000:]
    after = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in tmp_path.iterdir()}
    assert after == before
