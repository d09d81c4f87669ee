"""Commands for the service: API tokens, reproducing a stored decision, and serving."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from ..proposal.words import count as plural
from ..store.database import Store
from ..store.reproduce import reevaluate
from ..store.tokens import create_token, has_tokens, list_tokens, revoke_tokens
from ..store.users import first_administrator
from .common import DB_OPTION, RULES_OPTION, UserError, dump, listing, load_rules


@click.group("token")
def token_group() -> None:
    """Manage API tokens."""


@token_group.command("create")
@click.argument("name")
@click.option("--admin", is_flag=True, help="The administrator's role (as --role admin).")
@click.option("--role", type=click.Choice(["officer", "panel", "admin"]), default=None,
              help="What the token may do (default: its owner's role, else officer).")
@click.option("--owner", default=None, metavar="EMAIL",
              help="The user who owns it and reads what it stores (default: the first "
                   "administrator).")
@click.option("--service", is_flag=True, help="Owned by no one: a service of its own.")
@DB_OPTION
def token_create(name: str, admin: bool, role: str | None, owner: str | None, service: bool,
                 db_path: Path) -> None:
    """Create an API token (a service account for an integration) called NAME and print
    it. It is shown only this once: only its hash is stored."""
    if owner and service:
        raise UserError("a token is owned by a user (--owner) or a service (--service)")
    with Store(db_path) as store:
        click.echo(create_token(store, name, admin=admin, role=role, owner=owner,
                                service=service))


@token_group.command("list")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table",
              show_default=True)
@DB_OPTION
def token_list(fmt: str, db_path: Path) -> None:
    """List the API tokens: id, name, role, owner, when made and when revoked (never the
    secrets, which are not stored)."""
    with Store(db_path) as store:
        rows = list_tokens(store)
    listing(fmt, rows, "API tokens", ["id", "name", "role", "owner", "created", "revoked"],
            lambda r: [r["id"], r["name"], r["role"], r["owner"], r["created_at"][:19],
                       (r["revoked_at"] or "")[:19]])


@token_group.command("revoke")
@click.argument("name_or_id")
@DB_OPTION
def token_revoke(name_or_id: str, db_path: Path) -> None:
    """Revoke the token with this id, or every token with this name: the API refuses it at
    once, and its page sessions end."""
    with Store(db_path) as store:
        ids = revoke_tokens(store, name_or_id)
    click.echo(f"revoked {plural(len(ids), 'token')}: {', '.join(ids)}")


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
    with Store(db_path) as store:
        result = reevaluate(store, evaluation_id,
                            load_rules(rules_path) if current_rules else None)
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


@click.command("backup")
@click.argument("dest", type=click.Path(dir_okay=False, path_type=Path))
@DB_OPTION
def backup_cmd(dest: Path, db_path: Path) -> None:
    """Copy the audit database to DEST, safely while the service runs (SQLite's online
    backup), and check the copy. DEST must not exist."""
    if not Path(db_path).exists():
        raise click.ClickException(f"no database at {db_path}")
    store = Store(db_path, create=False)
    try:
        count = store.backup(dest)
    finally:
        store.close()
    click.echo(f"backed up {db_path} to {dest}: {plural(count, 'evaluation')}, integrity ok")


def _check_port_free(host: str, port: int) -> None:
    """One clear line if the port is taken, instead of gunicorn's retries and traceback.
    The probe binds as gunicorn does (SO_REUSEADDR): connections of a server just stopped
    (in TIME_WAIT) do not count, only a socket listening there."""
    import errno
    import socket
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                raise UserError(f"port {port} on {host} is already in use (another ccrules, or "
                                f"another program, is listening there): stop it, or choose "
                                f"another port with --port") from None
            raise UserError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535))
@click.option("--workers", default=2, show_default=True, type=click.IntRange(1, 64),
              help="Worker processes (one per core is a good start).")
@click.option("--threads", default=16, show_default=True, type=click.IntRange(1, 256),
              help="Threads per worker; a stalled client holds one for at most 5 s.")
@DB_OPTION
@RULES_OPTION
def serve_cmd(host: str, port: int, workers: int, threads: int, db_path: Path,
              rules_path) -> None:
    """Run the HTTP service on gunicorn (the rules are compiled once, before workers fork).

    On a first run (no users yet) an administrator's account is made and its e-mail and
    password printed once; if the database has no API token yet, one is made and printed."""
    from ..web.server import serve

    _check_port_free(host, port)
    with Store(db_path) as store:
        admin = first_administrator(store)
        first = None if has_tokens(store) else create_token(store, "first")
    click.echo(f"ccrules serving on http://{host}:{port}/ (API docs: /docs), database {db_path}")
    if admin:
        click.echo(f"First administrator (shown once): sign in at http://{host}:{port}/signin "
                   f"as {admin[0]} with the password {admin[1]}")
    else:
        click.echo(f"Sign in with your account. To add people: ccrules user add NAME EMAIL "
                   f"--role officer --db {db_path}  (ccrules user list shows them)")
    if first:
        click.echo(f"First API token (shown once): {first}")
    config = {"DATABASE": str(db_path)}
    if rules_path:
        config["RULES"] = str(rules_path)
    serve(config, host=host, port=port, workers=workers, threads=threads)
