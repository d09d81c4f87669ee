"""The README's example runs are real: each console block is run and must print what the
README shows (a test that fails when the docs drift from the code)."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text()
BLOCKS = re.findall(r"```console\n\$ (.+?)\n(.*?)```", README, flags=re.S)


def test_readme_has_console_examples_and_the_two_commands():
    assert len(BLOCKS) >= 3
    assert "make run" in README and "make test" in README


@pytest.mark.parametrize("command, shown", BLOCKS, ids=[c for c, _ in BLOCKS])
def test_readme_example_output_is_current(command, shown):
    env = dict(os.environ, PATH=f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}")
    result = subprocess.run(["bash", "-c", command], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=60)
    assert (result.returncode, result.stderr) == (0, "")
    assert result.stdout == shown
