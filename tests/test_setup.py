"""The set-up contract: the two make targets bootstrap, and CI does not hide failures."""

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_ci_runs_make_test_without_masking_its_exit_code():
    script = (ROOT / ".ci" / "run").read_text()
    assert "make test" in script and "set -euo pipefail" in script
    assert "|| true" not in script and "; true" not in script


def test_make_targets_bootstrap_the_venv():
    makefile = (ROOT / "Makefile").read_text()
    assert "run: $(STAMP)" in makefile and "test: $(STAMP)" in makefile
    assert "-m venv $(VENV)" in makefile and "pip install" in makefile


def test_ci_installs_the_browser_the_suite_needs():
    script = (ROOT / ".ci" / "run").read_text()
    assert "apt-get install" in script and "chromium chromium-driver" in script
