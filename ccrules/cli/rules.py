"""`ccrules rules ...`: list, show, check, test, the catalogue and validity documents, and
the impact of a change."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from ..authoring.agreement import override_rates
from ..authoring.catalogue import lesson_rows, render_catalogue
from ..authoring.checks import all_problems, uncovered_lessons
from ..authoring.impact import Impact, impact
from ..authoring.rule_tests import run_rule_tests
from ..authoring.validity import render_validity
from ..errors import RuleError
from ..proposal.words import count as plural
from ..resources import builtin_rules
from ..rulebook.conditions import All, Leaf, Not, to_data
from ..rulebook.loader import load_rulebook
from ..store.database import Store
from ..suggestions import suggest
from .common import DB_OPTION, RULES_OPTION, UserError, console, dump, load_rules, table


@click.group("rules")
def rules_group() -> None:
    """List, show and check the rules."""


def _rule_row(rule) -> dict:
    return {"id": rule.id, "title": rule.title, "dimension": rule.dimension.value,
            "severity": rule.severity.value, "lessons": list(rule.lessons),
            "citation": rule.citation}


@rules_group.command("list")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
              show_default=True)
@RULES_OPTION
def rules_list(fmt: str, rules_path: Path | None) -> None:
    """List every rule with its dimension, severity, lessons and the paper's section."""
    rb = load_rules(rules_path)
    covered = rb.lessons_covered()
    if fmt == "json":
        click.echo(dump({
            "version": rb.version,
            "rules": [_rule_row(r) for r in rb.rules],
            "lessons": covered,
            "uncovered_lessons": uncovered_lessons(rb),
        }))
        return
    console(width=160).print(table(
        f"ccrules rulebook {rb.version}: {len(rb.rules)} rules",
        ["id", "dimension", "severity", "lessons", "section", "title"],
        [[r.id, r.dimension.value, r.severity.value, ", ".join(r.lessons), r.citation, r.title]
         for r in rb.rules]))
    done = sum(1 for ids in covered.values() if ids)
    click.echo(f"Lessons covered: {done} of {len(covered)}")


@rules_group.command("show")
@click.argument("rule_id")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
              show_default=True)
@RULES_OPTION
def rules_show(rule_id: str, fmt: str, rules_path: Path | None) -> None:
    """Show one rule in full: its condition, texts and examples."""
    rb = load_rules(rules_path)
    rule = rb.by_id.get(rule_id.upper())
    if rule is None:
        raise UserError(f"no rule {rule_id!r}{suggest(rule_id.upper(), rb.by_id)}")
    raw = rule.model_dump(mode="json", exclude={"when"})
    raw["when"] = to_data(rule.when)
    if fmt == "json":
        click.echo(dump(raw))
        return
    click.echo(f"{rule.id}  {rule.title}\n{rule.dimension.value}, {rule.severity.value}; "
               f"lessons {', '.join(rule.lessons)}; {rule.citation}\n")
    click.echo(f"When:\n{_describe_text(rule.when, 1)}\n")
    for label in ("message", "rationale", "recommendation"):
        click.echo(f"{label.capitalize()}: {getattr(rule, label)}\n")


def _describe_text(node, depth: int) -> str:
    pad = "  " * depth
    if isinstance(node, Leaf):
        return pad + node.describe()
    if isinstance(node, Not):
        return f"{pad}not:\n{_describe_text(node.child, depth + 1)}"
    head = "all of:" if isinstance(node, All) else "any of:"
    return pad + head + "\n" + "\n".join(_describe_text(c, depth + 1) for c in node.children)


@rules_group.command("test")
@click.argument("path", required=False, type=click.Path(exists=True, path_type=Path))
@click.option("--examples", "examples_dir", type=click.Path(exists=True, file_okay=False,
              path_type=Path), default=None,
              help="Folder of example proposals with expected.yaml (default: examples/).")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table",
              show_default=True)
def rules_test(path: Path | None, examples_dir: Path | None, fmt: str) -> None:
    """Run every rule's own examples and the example proposals' expected verdicts; print a
    pass/fail table. Exit code 1 if any fails."""
    rb = load_rules(path)
    checks = run_rule_tests(rb, examples_dir)
    failed = [c for c in checks if not c.passed]
    if fmt == "json":
        click.echo(dump({"passed": len(checks) - len(failed), "failed": len(failed),
                          "checks": [c.__dict__ for c in checks]}))
    else:
        console(width=140).print(table(
            f"Rule tests, ruleset {rb.version}", ["test", "kind", "result", "detail"],
            [[c.name, c.kind, "pass" if c.passed else "FAIL", c.detail] for c in checks]))
        click.echo(f"rule tests: {len(checks) - len(failed)} passed, {len(failed)} failed")
    if failed:
        sys.exit(1)


@rules_group.command("catalogue")
@click.option("--output", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Write to this file (e.g. docs/rules.md) instead of standard output.")
@click.option("--db", "db_path", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              default=None, help="Add each rule's override rate: how often panels set its "
                                 "finding aside, from the decisions in this audit database.")
@RULES_OPTION
def rules_catalogue(output: Path | None, db_path: Path | None, rules_path: Path | None) -> None:
    """The rule catalogue in Markdown: rules by dimension, and lessons to rules."""
    overrides = None
    if db_path:
        with Store(db_path) as store:
            overrides = {r: (o.set_aside, o.fired) for r, o in override_rates(store).items()}
    _write_or_show(render_catalogue(load_rules(rules_path), overrides), output)


def _write_or_show(text: str, output: Path | None) -> None:
    if output:
        output.write_text(text, encoding="utf-8")
        click.echo(f"wrote {output}")
    else:
        click.echo(text, nl=False)


@rules_group.command("validity")
@click.option("--output", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Write to this file (e.g. docs/validity.md) instead of standard output.")
@RULES_OPTION
def rules_validity(output: Path | None, rules_path: Path | None) -> None:
    """What a verdict rests on, in Markdown: the limits, the problem-fit table, how findings
    add up, the funder's figures, and every lesson's rules with the paper's lines."""
    _write_or_show(render_validity(load_rules(rules_path)), output)


@rules_group.command("impact")
@click.argument("new_rules", type=click.Path(exists=True, path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table",
              show_default=True)
@DB_OPTION
def rules_impact(new_rules: Path, fmt: str, db_path: Path) -> None:
    """Re-evaluate every stored proposal under NEW_RULES and list those whose verdict would
    change (old verdict, new verdict, the rules responsible), with counts; for those a panel
    has decided, which would move toward its decision, which away, and which are unchanged."""
    rb = load_rules(new_rules)
    with Store(db_path) as store:
        report = impact(store, rb)
    if fmt == "json":
        click.echo(dump(report.as_dict()))
        return
    click.echo(f"{plural(report.total, 'stored evaluation')} re-evaluated under ruleset "
               f"{rb.version}: {plural(len(report.changed), 'verdict')} would change")
    if report.transitions:
        out = console(width=140)
        out.print(table("Changes", ["from", "to", "proposals"],
                        [[old, new, str(n)] for (old, new), n in
                         sorted(report.transitions.items())]))
        out.print(table("Proposals whose verdict would change",
                        ["id", "title", "old verdict", "new verdict", "rules responsible"],
                        [[c.id, c.title or "", c.old, c.new, ", ".join(c.rules)]
                         for c in report.changed]))
    if report.decided:
        _panel_moves(report)


def _panel_moves(report: Impact) -> None:
    """The decided evaluations: which verdicts move toward the panel's decision, which away."""
    moves = report.panel
    click.echo(f"Of {plural(report.decided, 'evaluation')} with a panel decision: "
               f"{len(moves['toward'])} would move toward it, {len(moves['away'])} away from "
               f"it, {len(moves['neither'])} neither, {len(moves['unchanged'])} unchanged")
    rows = [[m, x.id, x.title or "", x.old, x.new, x.decision, ", ".join(x.rules)]
            for m in ("toward", "away", "neither") for x in moves[m]]
    if rows:
        console(width=160).print(table(
            "Against the panel's decisions",
            ["moves", "id", "title", "old verdict", "new verdict", "decision",
             "rules responsible"], rows))


@rules_group.command("check")
@click.argument("path", required=False, envvar="CCRULES_RULES",
                type=click.Path(exists=True, path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
              show_default=True)
def rules_check(path: Path | None, fmt: str) -> None:
    """Check the rule files in PATH (default: $CCRULES_RULES, else the built-in rules): they
    load, every lesson L1-L35 has a rule, and every rule's examples behave as declared.
    Prints file:line: rule-id: message for each problem; exit code 1 if any."""
    path = path or builtin_rules()
    try:
        rb = load_rulebook(path)
        problems = all_problems(rb)
    except RuleError as exc:
        rb, problems = None, exc.problems
    if fmt == "json":
        click.echo(dump({
            "ok": not problems, "path": str(path),
            "version": rb.version if rb else None,
            "rules": len(rb.rules) if rb else 0,
            "problems": [{"file": p.file, "line": p.line, "rule_id": p.rule_id,
                          "message": p.msg} for p in problems],
        }))
    else:
        for p in problems:
            click.echo(str(p), err=True)
        if rb and not problems:
            click.echo(f"ok: {len(rb.rules)} rules, all 35 lessons covered, every example "
                       f"behaves as declared (ruleset {rb.version})")
    if problems:
        sys.exit(1)




@click.command("lessons")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
              show_default=True)
@RULES_OPTION
def lessons_cmd(fmt: str, rules_path: Path | None) -> None:
    """The paper's lessons L1-L35: title, a paraphrase, the section and lines, and the rules
    that encode each."""
    rows = lesson_rows(load_rules(rules_path))
    if fmt == "json":
        click.echo(dump(rows))
        return
    console(width=160).print(table("Lessons (Aveling et al. 2017)",
                                   ["id", "title", "section", "lines", "rules"],
                                   [[r["id"], r["title"], r["section"], r["lines"],
                                     ", ".join(r["rules"])] for r in rows]))
