"""Commands for the service: API tokens, reproducing a stored decision, and serving."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from ..store.database import Store
from ..store.reproduce import reevaluate
from ..store.tokens import create_token, has_tokens
from .common import DB_OPTION, RULES_OPTION, dump, load_rules


@click.group("token")
def token_group() -> None:
    """Manage API tokens."""


@token_group.command("create")
@click.argument("name")
@click.option("--admin", is_flag=True, help="May read every stored evaluation.")
@DB_OPTION
def token_create(name: str, admin: bool, db_path: Path) -> None:
    """Create an API token called NAME and print it. It is shown only this once: only its
    hash is stored."""
    store = Store(db_path)
    try:
        click.echo(create_token(store, name, admin=admin))
    finally:
        store.close()


@click.command("reevaluate")
@click.argument("evaluation_id")
@click.option("--current-rules", is_flag=True,
              help="Use the current rules instead of the ruleset the evaluation was made with.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
              show_default=True)
@DB_OPTION
@RULES_OPTION
def reevaluate_cmd(evaluation_id, current_rules, fmt, db_path, rules_path) -> None:
    """Evaluate a stored proposal again, by default under the ruleset it was first judged by,
    and say whether the verdict is the same. Exit code 1 if it is not."""
    store = Store(db_path)
    try:
        result = reevaluate(store, evaluation_id,
                            load_rules(rules_path) if current_rules else None)
    finally:
        store.close()
    if fmt == "json":
        click.echo(dump({"id": evaluation_id, "original_verdict": result.original["verdict"],
                          "verdict": result.again.verdict.value,
                          "original_ruleset": result.original["ruleset"]["version"],
                          "ruleset": result.again.ruleset.version,
                          "same_verdict": result.same_verdict,
                          "same_findings": result.same_findings}))
    else:
        click.echo(f"{evaluation_id}: {result.original['verdict']} under ruleset "
                   f"{result.original['ruleset']['version']}; now {result.again.verdict.value} "
                   f"under ruleset {result.again.ruleset.version} "
                   f"({'same' if result.same_verdict else 'CHANGED'} verdict)")
    if not result.same_verdict:
        sys.exit(1)


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535))
@click.option("--workers", default=2, show_default=True, type=click.IntRange(1, 64))
@DB_OPTION
@RULES_OPTION
def serve_cmd(host: str, port: int, workers: int, db_path: Path, rules_path) -> None:
    """Run the HTTP service on gunicorn (the rules are compiled once, before workers fork).

    If the database has no API token yet, one is created and printed with the URL."""
    from ..web.server import serve

    store = Store(db_path)
    try:
        first = None if has_tokens(store) else create_token(store, "first")
    finally:
        store.close()
    click.echo(f"ccrules serving on http://{host}:{port}/ (API docs: /docs), database {db_path}")
    if first:
        click.echo(f"First API token (shown once): {first}")
    config = {"DATABASE": str(db_path)}
    if rules_path:
        config["RULES"] = str(rules_path)
    serve(config, host=host, port=port, workers=workers)
