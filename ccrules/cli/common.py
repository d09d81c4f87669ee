"""What every command shares: the group that turns errors into one line, the --db and
--rules options, loading rules, JSON output and tables."""

from __future__ import annotations

import importlib
import json
import os
import sqlite3
import sys
from pathlib import Path
from typing import Any

import click

from ..errors import CcrulesError
from ..resources import DEFAULT_DB
from ..rulebook.loader import Rulebook, load_rulebook

DB_OPTION = click.option(
    "--db", "db_path", type=click.Path(dir_okay=False, path_type=Path),
    default=str(DEFAULT_DB), envvar="CCRULES_DATABASE", show_default=True,
    show_envvar=True, help="The audit database (SQLite).")
RULES_OPTION = click.option(
    "--rules", "rules_path", type=click.Path(exists=True, path_type=Path), default=None,
    envvar="CCRULES_RULES", show_envvar=True,
    help="Folder of rule files (default: the built-in rules).")


class UserError(click.ClickException):
    """Printed as 'Error: ...' with exit code 1."""


class Commands(click.Group):
    """Every command's errors end here: a library error, an unreadable file or a database
    fault is one 'Error: ...' line and exit code 1, never a traceback. Anything else is a bug:
    one line and exit code 2 (CCRULES_DEBUG=1 shows the traceback).

    `lazy` names commands by "module:attribute" within this package, imported when the
    command is first asked for (click's documented way to load subcommands lazily)."""

    def __init__(self, *args: Any, lazy: dict[str, str] | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.lazy = dict(lazy or {})

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*self.commands, *self.lazy})

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name not in self.commands and name in self.lazy:
            module, attribute = self.lazy[name].split(":")
            command = getattr(importlib.import_module(f"{__package__}.{module}"), attribute)
            self.add_command(command, name)
        return super().get_command(ctx, name)

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except BrokenPipeError:  # the reader went away (e.g. `| head`): not an error
            sys.stdout = open(os.devnull, "w")  # noqa: SIM115 (stdout stays open to exit)
            ctx.exit(0)
        except (CcrulesError, OSError, sqlite3.Error) as exc:
            raise UserError(str(exc)) from None
        except (click.exceptions.Exit, click.ClickException, click.Abort, SystemExit,
                KeyboardInterrupt):
            raise
        except Exception as exc:
            if os.environ.get("CCRULES_DEBUG"):
                raise
            click.echo(f"Error: internal error ({type(exc).__name__}: {exc}); please report "
                       f"it (CCRULES_DEBUG=1 shows the traceback)", err=True)
            ctx.exit(2)


def load_rules(path: Path | None) -> Rulebook:
    return load_rulebook(path)


def login() -> str:
    """The person at the keyboard, by their login name."""
    import getpass
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "command line"


def dump(obj: Any) -> str:
    return json.dumps(obj, indent=2, ensure_ascii=False)




def console(stderr: bool = False, width: int | None = None) -> Any:
    from rich.console import Console
    return Console(stderr=stderr, width=width)


def listing(fmt: str, rows: list[dict], title: str, columns: list[str],
            cells: Any) -> None:
    """Rows of a list command: as JSON (`fmt` json), else a table of `cells(row)` each."""
    if fmt == "json":
        click.echo(dump(rows))
        return
    console(width=120).print(table(title, columns, [cells(r) for r in rows]))


def table(title: str, columns: list[str], rows: list[list[str]], right: tuple[str, ...] = ()
          ) -> Any:
    """A rich table with these columns (those named in `right` right-aligned) and rows."""
    from rich.table import Table
    out = Table(title=title)
    for col in columns:
        out.add_column(col, justify="right" if col in right else "left")
    for row in rows:
        out.add_row(*row)
    return out
