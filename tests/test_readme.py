"""The README's example runs are real: each console block is run and must print what the
README shows (a test that fails when the docs drift from the code)."""

import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text()
BLOCKS = re.findall(r"```console\n\$ (.+?)\n(.*?)```", README, flags=re.S)


def test_readme_has_console_examples_and_the_two_commands():
    assert len(BLOCKS) >= 3
    assert "make run" in README and "make test" in README


def test_readme_example_output_is_current(tmp_path):
    """The blocks run in the README's order (a later one may read a file an earlier one
    wrote) in a folder of this test's own that sees the project's examples and tests, as a
    reader's working folder would: the files they write land there, never in a fixed place
    two runs could share."""
    for name in ("examples", "tests"):
        (tmp_path / name).symlink_to(ROOT / name)
    env = dict(os.environ, PATH=f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}")
    wrong = []
    for command, shown in BLOCKS:
        result = subprocess.run(["bash", "-c", command], cwd=tmp_path, env=env,
                                capture_output=True, text=True, timeout=60)
        if (result.returncode, result.stderr, result.stdout) != (0, "", shown):
            wrong.append(f"$ {command}\nexit {result.returncode}, stderr {result.stderr!r}\n"
                         f"--- printed:\n{result.stdout}--- the README shows:\n{shown}")
    assert not wrong, "\n\n".join(wrong)
