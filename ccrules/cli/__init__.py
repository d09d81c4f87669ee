"""The `ccrules` command line: a thin layer that parses arguments, calls the library and
formats its output. Library errors become one `Error: ...` line (exit code 1, no traceback)."""

from __future__ import annotations

import click

from .. import __version__
from . import admin, intake, interview, panel, proposals, rounds, rules, sheets, users
from .common import Commands


@click.group(cls=Commands, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="ccrules")
def main() -> None:
    """Screen proposed healthcare-improvement programmes: should this be run as a clinical
    community, and how should it be designed? Verdicts and reasons follow the lessons of
    Aveling et al. (2017), comparing Michigan's Keystone ICU project and the UK's ILCOP.
    A verdict is a structured prompt for a funder's panel, not a prediction of success."""


for command in (proposals.evaluate_cmd, proposals.schema_cmd, proposals.screen_cmd,
                rules.rules_group, rules.lessons_cmd, admin.token_group, users.user_group,
                admin.reevaluate_cmd, admin.backup_cmd, admin.serve_cmd,
                panel.decide_cmd, panel.decisions_cmd, panel.agreement_cmd,
                rounds.round_group, sheets.sheet_group,
                interview.interview_cmd,
                intake.intake_cmd, intake.confirm_cmd):
    main.add_command(command)
