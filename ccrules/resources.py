"""Where the built-in rule files and example proposals are, and where the audit database is
by default.

They ship inside the installed package as `ccrules.rules` and `ccrules.examples` (mapped from
the repository's top-level `rules/` and `examples/` folders, see pyproject.toml), so a wheel
carries them and an editable install reads the repository's own copies.
"""

from __future__ import annotations

from importlib.resources import as_file, files
from pathlib import Path

DEFAULT_DB = Path("var") / "ccrules.db"  # relative to the folder the service runs in


def _folder(package: str) -> Path:
    with as_file(files(package)) as path:  # a real folder for both wheel and checkout
        return Path(path)


def builtin_rules() -> Path:
    """The folder of rule files that ships with ccrules."""
    return _folder("ccrules.rules")


def builtin_examples() -> Path:
    """The folder of example proposals (and their expected verdicts) that ships with ccrules."""
    return _folder("ccrules.examples")
