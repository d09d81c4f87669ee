"""`ccrules decide`, `ccrules decisions` and `ccrules agreement`: the panel's decisions
beside the screener's verdicts, and how often they agree."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import click

from ..authoring.agreement import AgreementReport, agreement_report
from ..panel.decisions import DECISION_WORDS, Decision, DecisionInput, DecisionRecord
from ..proposal.words import count as plural
from ..rulebook.model import Verdict
from ..service import ListQuery
from ..store.database import Store
from ..store.decisions import Decider, add_decision, history
from ..store.tokens import authenticate
from .common import DB_OPTION, UserError, console, dump, login, table

TOKEN_OPTION = click.option(
    "--token", envvar="CCRULES_TOKEN", show_envvar=True, default=None,
    help="Act as this API token (better given in the environment): its name is recorded, "
         "and it reaches only the evaluations it may read. Without one, the command has the "
         "database's full access, as every command does.")
FORMAT = click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
                      show_default=True)
KINDS = {"finding": "finding", "condition": "condition"}


def _open(db_path: Path, token: str | None) -> tuple[Store, Decider]:
    """The store, and who acts on it: the token's holder, else the person at the keyboard."""
    if not Path(db_path).exists():
        raise UserError(f"no database at {db_path}")
    store = Store(db_path)
    if not token:
        return store, Decider(None, "command line", None)
    try:
        who = authenticate(store, f"Bearer {token}")
    except Exception:
        store.close()
        raise
    return store, Decider(who.id, who.name, who.scope)


def _set_aside(items: tuple[tuple[str, str], ...]) -> list[dict]:
    """--set-aside RULE REASON: RULE alone sets aside the finding and its condition;
    finding:RULE or condition:RULE only one of them."""
    out = []
    for rule, reason in items:
        kind, _, rule_id = rule.rpartition(":")
        if kind and kind.lower() not in KINDS:
            raise UserError(f"--set-aside {rule}: write RULE, finding:RULE or condition:RULE")
        out.append({"rule_id": rule_id, "reason": reason,
                    "applies_to": KINDS.get(kind.lower(), "both")})
    return out


@click.command("decide")
@click.argument("evaluation_id")
@click.option("--decision", required=True, type=click.Choice([d.value for d in Decision]),
              help="What the panel decided.")
@click.option("--set-aside", "set_aside", nargs=2, multiple=True, metavar="RULE REASON",
              help="A finding and its condition of award the panel set aside (RULE, e.g. "
                   "CO-07), or only one of them (finding:CO-07, condition:CO-07), with the "
                   "reason. Repeat for each.")
@click.option("--accept-all", is_flag=True,
              help="The panel accepted every finding and condition of award.")
@click.option("--note", default=None, help="The panel's note, in its own words.")
@click.option("--reason", default=None,
              help="Why the panel decided against the verdict (required when it does: "
                   "funding a proposal not recommended, declining a recommended one, ...).")
@click.option("--by", default=None,
              help="The person recording the decision, by name (default: your login).")
@TOKEN_OPTION
@FORMAT
@DB_OPTION
def decide_cmd(evaluation_id, decision, set_aside, accept_all, note, reason, by, token, fmt,
               db_path) -> None:
    """Record the panel's decision on a stored evaluation: which findings and conditions of
    award it set aside, and why. Every one not set aside is accepted; say --accept-all when
    none was. A later decision supersedes this one; none is ever changed."""
    given = DecisionInput.checked({"decision": decision, "set_aside": _set_aside(set_aside),
                                   "accept_all": accept_all, "note": note, "reason": reason,
                                   "decided_by": by or login()})
    store, who = _open(db_path, token)
    try:
        record = add_decision(store, evaluation_id, given, who)
    finally:
        store.close()
    if fmt == "json":
        click.echo(dump(record.model_dump(mode="json")))
    else:
        click.echo(f"Recorded: {_describe(record)}\nDecision id {record.id}")


@click.command("decisions")
@click.argument("evaluation_id")
@TOKEN_OPTION
@FORMAT
@DB_OPTION
def decisions_cmd(evaluation_id, token, fmt, db_path) -> None:
    """Every decision recorded on a stored evaluation, newest first; the first is current."""
    store, who = _open(db_path, token)
    try:
        verdict, records = history(store, evaluation_id, who.scope)
    finally:
        store.close()
    if fmt == "json":
        click.echo(dump({"evaluation_id": evaluation_id, "verdict": verdict,
                         "decisions": [r.model_dump(mode="json") for r in records]}))
        return
    click.echo(f"{evaluation_id}: verdict {verdict.replace('_', ' ')}; "
               f"{plural(len(records), 'decision')}")
    for r in records:
        click.echo(("* current: " if r.current else "  superseded: ") + _describe(r))


def _describe(r: DecisionRecord) -> str:
    agrees = {"agree": "agrees with", "partly": "agrees in part with",
              "disagree": "disagrees with"}[r.agreement]
    lines = [f"{DECISION_WORDS[r.decision]} ({agrees} the verdict, "
             f"{r.verdict.value.replace('_', ' ')}), by {r.decided_by.name} at {r.decided_at}"]
    lines += [f"    set aside finding {f.rule_id}: {f.reason}" for f in r.findings
              if not f.accepted]
    lines += [f"    set aside condition {c.rule_id}: {c.reason}" for c in r.conditions
              if not c.accepted]
    if r.reason:
        lines.append(f"    reason: {r.reason}")
    if r.note:
        lines.append(f"    note: {r.note}")
    return "\n".join(lines)


@click.command("agreement")
@click.option("--since", default=None, help="Evaluations made at or after this date or time "
                                            "(ISO 8601).")
@click.option("--until", default=None, help="Evaluations made before this time (a date alone: "
                                            "to the end of that day).")
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "json"]), default="table",
              show_default=True, help="csv: the verdict-by-decision table alone.")
@TOKEN_OPTION
@DB_OPTION
def agreement_cmd(since, until, fmt, token, db_path) -> None:
    """How often the panel's decisions agreed with the verdicts: a table of verdict against
    decision (each evaluation's current decision), the agreement rate, and how often each
    rule's finding was set aside when it fired, with the reasons grouped."""
    period = ListQuery.strict({k: v for k, v in (("since", since), ("until", until)) if v})
    store, who = _open(db_path, token)
    try:
        report = agreement_report(store, who.scope, period.since, period.until)
    finally:
        store.close()
    if fmt == "json":
        click.echo(dump(report.model_dump(mode="json")))
    elif fmt == "csv":
        click.echo(_csv(report), nl=False)
    else:
        _print(report)


def _rows(report: AgreementReport) -> list[list[str]]:
    rows = [[v.value] + [str(n) for n in report.table[v].values()]
            + [str(sum(report.table[v].values()))] for v in Verdict]
    totals = [sum(report.table[v][d] for v in Verdict) for d in Decision]
    return rows + [["total"] + [str(n) for n in totals] + [str(report.decided)]]


def _csv(report: AgreementReport) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["verdict"] + [d.value for d in Decision] + ["total"])
    writer.writerows(_rows(report))
    return out.getvalue()


def _share(part: int, whole: int) -> str:
    return f"{part} of {whole} ({round(100 * part / whole)}%)" if whole else "none decided"


def _print(report: AgreementReport) -> None:
    out = console(width=160)
    out.print(table("Verdict (rows) against the panel's decision (columns)",
                    ["verdict"] + [d.value for d in Decision] + ["total"], _rows(report),
                    right=tuple(d.value for d in Decision) + ("total",)))
    click.echo(f"{plural(report.evaluations, 'evaluation')}, {report.decided} with a decision")
    click.echo(f"Agreement: {_share(report.agree, report.decided)}; "
               f"same direction (agreeing in part too): "
               f"{_share(report.agree + report.partly, report.decided)}")
    if report.rules:
        out.print(table("Findings set aside, by rule",
                        ["rule", "title", "fired", "set aside", "rate", "reasons"],
                        [[r.rule_id, r.title, str(r.fired), str(r.set_aside),
                          f"{round(100 * r.rate)}%",
                          "; ".join(f"{g.reason} ({g.count})" for g in r.reasons)]
                         for r in report.rules], right=("fired", "set aside", "rate")))
