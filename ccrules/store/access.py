"""How the store applies a caller's reach: which evaluations, applications and rounds it may
read. Who gets which reach is the access rule of ccrules/service.py (`read_scope`), not here.

A scope is None (everything: an administrator), an owner id (one token's or user's own
records, as the command line passes), or an Access: the records of some owners, plus every
application in some rounds, plus the rounds those owners own (and their applications). For
anything outside it a record does not exist (NotFound, as for an unknown id)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import sqlite_utils


@dataclass(frozen=True)
class Access:
    """What a caller reads: the records of `owners`, and the rounds in `rounds`."""

    owners: tuple[str, ...] = ()
    rounds: tuple[str, ...] = ()


Scope = str | Access | None
NOBODY = Access()  # reads nothing: the default of a caller the access rule has not seen


def access_of(scope: Scope) -> Access | None:
    if scope is None or isinstance(scope, Access):
        return scope
    return Access((scope,))


def expanded(db: sqlite_utils.Database, scope: Scope) -> Access | None:
    """The scope with the rounds its owners own added to its rounds (None stays None)."""
    access = access_of(scope)
    if access is None or not access.owners:
        return access
    marks = ", ".join("?" * len(access.owners))
    owned = [r[0] for r in db.execute(f"select id from rounds where owner in ({marks})",
                                      list(access.owners)).fetchall()]
    return Access(access.owners, tuple(dict.fromkeys([*access.rounds, *owned])))


def may_read(access: Access | None, owner: str | None, round_id: str | None) -> bool:
    """Whether an (expanded) scope reads a record of `owner` in `round_id`."""
    return access is None or owner in access.owners or (
        round_id is not None and round_id in access.rounds)


def evaluation_filter(access: Access | None) -> dict[str, tuple[str, Any]]:
    """The listing's filter for an (expanded) scope, in the shape Store._where builds: SQL
    and its one parameter (None: no filter). One owner and no rounds keeps the plain
    `owner = ?` the owner's index orders by."""
    if access is None:
        return {"1": ("access", None)}
    if not access.rounds and len(access.owners) == 1:
        return {"owner = :access": ("access", access.owners[0])}
    return {"(owner in (select value from json_each(:access, '$.o')) or application_id in "
            "(select id from applications where round_id in "
            "(select value from json_each(:access, '$.r'))))": (
                "access", json.dumps({"o": list(access.owners), "r": list(access.rounds)}))}
