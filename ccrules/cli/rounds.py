"""`ccrules round create|list|add|close|seat|members`: a funder's rounds, named cohorts with
an opening and a closing date, and who sits on each (ccrules.store.rounds). `ccrules screen
--store --round NAME` uploads into one."""

from __future__ import annotations

from pathlib import Path

import click

from ..proposal.words import count as plural
from ..store import applications
from ..store.database import Store
from ..store.rounds import (
    RoundInput,
    add_member,
    assign,
    close_round,
    create_round,
    find_round,
    list_rounds,
    members,
    remove_member,
)
from ..store.users import user
from .common import DB_OPTION, console, dump, listing, table

FORMAT = click.option("--format", "fmt", type=click.Choice(["table", "json"]),
                      default="table", show_default=True)


@click.group("round")
def round_group() -> None:
    """Rounds: named cohorts of applications, each with an opening and a closing date."""


@round_group.command("create")
@click.argument("name")
@click.option("--opens", required=True, help="The day it opens (ISO 8601: 2026-12-01).")
@click.option("--closes", required=True, help="The day it closes.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
              show_default=True)
@DB_OPTION
def round_create(name: str, opens: str, closes: str, fmt: str, db_path: Path) -> None:
    """Create a round called NAME and print its id."""
    given = RoundInput.checked({"name": name, "opens": opens, "closes": closes})
    with Store(db_path) as store:
        made = create_round(store, given, owner=None)
    click.echo(dump(made) if fmt == "json" else
               f"Created round {made['name']!r} ({made['opens']} to {made['closes']}), "
               f"id {made['id']}")


@round_group.command("list")
@FORMAT
@DB_OPTION
def round_list(fmt: str, db_path: Path) -> None:
    """Every round: id, name, dates, applications, open or closed."""
    with Store(db_path) as store:
        rows = list_rounds(store, None)
    if fmt == "json":
        click.echo(dump(rows))
        return
    console(width=120).print(table(
        "Rounds", ["id", "name", "opens", "closes", "applications", "status"],
        [[r["id"], r["name"], r["opens"], r["closes"], str(r["applications"]),
          "open" if r["open"] else f"closed {r['closed_at'][:10]}"] for r in rows],
        right=("applications",)))


@round_group.command("close")
@click.argument("name_or_id")
@DB_OPTION
def round_close(name_or_id: str, db_path: Path) -> None:
    """Close a round: it takes no more applications (nothing in it changes)."""
    with Store(db_path) as store:
        found = close_round(store, find_round(store, name_or_id, None)["id"], None)
    click.echo(f"Closed round {found['name']!r} ({found['id']}) at {found['closed_at']}")


@round_group.command("add")
@click.argument("round_name", metavar="ROUND")
@click.argument("keys", nargs=-1, required=True, metavar="APPLICATION...")
@DB_OPTION
def round_add(round_name: str, keys: tuple[str, ...], db_path: Path) -> None:
    """Move applications (each by its id or the funder's reference) into the open round
    ROUND (by name or id). An application is in one round at a time: this moves it."""
    with Store(db_path) as store:
        found = find_round(store, round_name, None)
        ids = [applications.find(store.db, key, None)["id"] for key in keys]  # all, or none
        for ident in ids:
            assign(store, ident, found["id"], None)
    click.echo(f"Moved {plural(len(ids), 'application')} into round {found['name']!r}")


@round_group.command("seat")
@click.argument("name_or_id")
@click.argument("email")
@click.option("--remove", is_flag=True, help="Take the person off the round instead.")
@DB_OPTION
def round_seat(name_or_id: str, email: str, remove: bool, db_path: Path) -> None:
    """Seat a person on a round (or, with --remove, take them off): an officer of the round
    screens and reads its applications, a panel member reads them and records decisions.
    Nobody reads a round they do not sit on (administrators read every one)."""
    with Store(db_path) as store:
        found = find_round(store, name_or_id, None)
        person = user(store, email)
        (remove_member if remove else add_member)(store, found["id"], person["id"])
    click.echo(f"{person['name']} {'is off' if remove else 'sits on'} the round "
               f"{found['name']!r} (as {person['role']})")


@round_group.command("members")
@click.argument("name_or_id")
@FORMAT
@DB_OPTION
def round_members(name_or_id: str, fmt: str, db_path: Path) -> None:
    """Who sits on a round, with their roles."""
    with Store(db_path) as store:
        rows = members(store, find_round(store, name_or_id, None)["id"])
    listing(fmt, rows, "Members", ["name", "e-mail", "role"],
            lambda r: [r["name"], r["email"], r["role"]])
