"""`ccrules user add|list|disable|enable|role|password`: the named users who sign in to the
pages, with their roles (officer, panel, admin). The library does the work
(ccrules.store.users); these commands parse and print."""

from __future__ import annotations

from pathlib import Path

import click

from ..store.database import Store
from ..store.users import (
    ROLE_WORDS,
    Role,
    add_user,
    disable_user,
    enable_user,
    list_users,
    set_password,
    set_role,
)
from .common import DB_OPTION, listing

ROLES = click.Choice([r.value for r in Role])


@click.group("user")
def user_group() -> None:
    """Manage the people who sign in: officers, panel members, administrators."""


def _password(flag: bool) -> str | None:
    if not flag:
        return None
    return click.prompt("Password (at least 12 characters)", hide_input=True,
                        confirmation_prompt=True)


@user_group.command("add")
@click.argument("name")
@click.argument("email")
@click.option("--role", type=ROLES, default="officer", show_default=True)
@click.option("--password", "ask", is_flag=True,
              help="Ask for a password (a local account); without it the user signs in "
                   "through the organisation's single sign-on only.")
@DB_OPTION
def user_add(name: str, email: str, role: str, ask: bool, db_path: Path) -> None:
    """Add NAME (EMAIL) with a role. The first administrator added also owns the API tokens
    made before there were users."""
    password = _password(ask)
    with Store(db_path) as store:
        row = add_user(store, name, email, role, password)
    click.echo(f"added {row['name']} <{row['email']}> as {ROLE_WORDS[Role(row['role'])]} "
               f"(id {row['id']})")


@user_group.command("list")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table",
              show_default=True)
@DB_OPTION
def user_list(fmt: str, db_path: Path) -> None:
    """List the users: name, e-mail, role, how they sign in, and whether disabled."""
    with Store(db_path) as store:
        rows = list_users(store)
    listing(fmt, rows, "Users", ["id", "name", "e-mail", "role", "sign-in", "disabled"],
            lambda r: [r["id"], r["name"], r["email"], r["role"],
                       ", ".join(w for w, on in (("password", r["password"]),
                                                 ("single sign-on", r["oidc_subject"])) if on),
                       (r["disabled_at"] or "")[:19]])


@user_group.command("disable")
@click.argument("email_or_id")
@DB_OPTION
def user_disable(email_or_id: str, db_path: Path) -> None:
    """Disable a user: their page sessions end at once and their API tokens stop working.
    What they recorded stays, with their name."""
    with Store(db_path) as store:
        row = disable_user(store, email_or_id)
    click.echo(f"disabled {row['name']} <{row['email']}>")


@user_group.command("enable")
@click.argument("email_or_id")
@DB_OPTION
def user_enable(email_or_id: str, db_path: Path) -> None:
    """Enable a disabled user again."""
    with Store(db_path) as store:
        row = enable_user(store, email_or_id)
    click.echo(f"enabled {row['name']} <{row['email']}>")


@user_group.command("role")
@click.argument("email_or_id")
@click.argument("role", type=ROLES)
@DB_OPTION
def user_role(email_or_id: str, role: str, db_path: Path) -> None:
    """Give a user another role (officer, panel or admin)."""
    with Store(db_path) as store:
        row = set_role(store, email_or_id, role)
    click.echo(f"{row['name']} <{row['email']}> is now {ROLE_WORDS[Role(row['role'])]}")


@user_group.command("password")
@click.argument("email_or_id")
@DB_OPTION
def user_password(email_or_id: str, db_path: Path) -> None:
    """Set a user's local password (asked for twice, never shown)."""
    password = _password(True)
    with Store(db_path) as store:
        set_password(store, email_or_id, password or "")
    click.echo("password set")
