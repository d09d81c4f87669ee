"""The `ccrules` command line: a thin layer that parses arguments, calls the library and
formats its output. Library errors become one `Error: ...` line (exit code 1, no traceback)."""

from __future__ import annotations

import click

from .. import __version__
from .common import Commands

# Each command's module is imported only when the command runs (or --help lists them all):
# `ccrules evaluate` then loads neither the store, the spreadsheets nor the web server.
COMMANDS = {
    "evaluate": "evaluate:evaluate_cmd", "schema": "evaluate:schema_cmd",
    "screen": "screen:screen_cmd", "rules": "rules:rules_group", "lessons": "rules:lessons_cmd",
    "token": "admin:token_group", "user": "users:user_group",
    "reevaluate": "admin:reevaluate_cmd", "backup": "admin:backup_cmd",
    "serve": "admin:serve_cmd", "decide": "panel:decide_cmd",
    "decisions": "panel:decisions_cmd", "agreement": "panel:agreement_cmd",
    "round": "rounds:round_group", "sheet": "sheets:sheet_group",
    "interview": "interview:interview_cmd", "intake": "intake:intake_cmd",
    "confirm": "intake:confirm_cmd",
}


@click.group(cls=Commands, lazy=COMMANDS,
             context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="ccrules")
def main() -> None:
    """Screen proposed healthcare-improvement programmes: should this be run as a clinical
    community, and how should it be designed? Verdicts and reasons follow the lessons of
    Aveling et al. (2017), comparing Michigan's Keystone ICU project and the UK's ILCOP.
    A verdict is a structured prompt for a funder's panel, not a prediction of success."""

