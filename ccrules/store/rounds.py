"""Rounds: a funder's named cohort of applications, with an opening and a closing date.

Applications join a round when they are uploaded into it, or by choice later; a round's
page, counts, exports, panel report and agreement figures count the current evaluation of
each application in it. A round belongs to the token that made it and is read under the
same rule as evaluations (its owner, or an admin); for anyone else it does not exist. A
closed round takes no more applications; nothing in it is deleted."""

from __future__ import annotations

import uuid
from datetime import date, datetime, timezone
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from ..errors import CcrulesError, InputError
from ..proposal.reading import validation_errors
from ..proposal.words import count
from .database import Store


class RoundNotFound(CcrulesError):
    title = "Not found"
    status = 404


class RoundClosed(CcrulesError):
    title = "Round closed"
    status = 409


class RoundInput(BaseModel):
    """A new round."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=200, description="The round's name.")
    opens: date = Field(description="The day it opens (ISO 8601, e.g. 2026-12-01).")
    closes: date = Field(description="The day it closes, on or after it opens.")

    @field_validator("opens", "closes", mode="before")
    @classmethod
    def _iso(cls, value: Any) -> Any:
        """Only an ISO 8601 date: not a number of seconds, nor a date and time."""
        if isinstance(value, date):
            return value
        if not isinstance(value, str) or len(value) != 10:
            raise ValueError("must be an ISO 8601 date, e.g. 2026-12-01")
        return value

    @field_validator("name")
    @classmethod
    def _name(cls, value: str) -> str:
        value = " ".join(value.split())
        if not value:
            raise ValueError("give the round a name")
        return value

    @model_validator(mode="after")
    def _order(self) -> RoundInput:
        if self.closes < self.opens:
            raise ValueError("the round must close on or after the day it opens")
        return self

    @classmethod
    def checked(cls, data: Any) -> RoundInput:
        """From data; every fault is an InputError naming it (API: 422)."""
        try:
            return cls.model_validate(data)
        except ValidationError as exc:
            items = validation_errors(exc, in_request=True)
            raise InputError(f"The round has {count(len(items), 'fault')}.", items) \
                from None


COLUMNS = "id, name, opens, closes, owner, created_at, closed_at"


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def create_round(store: Store, given: RoundInput, owner: str | None) -> dict:
    row = {"id": uuid.uuid4().hex[:12], "name": given.name, "opens": given.opens.isoformat(),
           "closes": given.closes.isoformat(), "owner": owner, "created_at": _now(),
           "closed_at": None}
    with store.db.conn:
        store.db.execute(f"insert into rounds ({COLUMNS}) values "
                         f"({', '.join(':' + c for c in COLUMNS.split(', '))})", row)
    return get_round(store, str(row["id"]), owner)


def _select(store: Store, where: str, params: list[Any]) -> list[dict]:
    cursor = store.db.execute(
        f"select {', '.join('r.' + c for c in COLUMNS.split(', '))}, "
        f"(select count(*) from applications a where a.round_id = r.id) as applications "
        f"from rounds r where {where} order by r.opens desc, r.created_at desc", params)
    names = [c[0] for c in cursor.description]
    rows = [dict(zip(names, r, strict=True)) for r in cursor.fetchall()]
    for row in rows:
        row["open"] = row["closed_at"] is None
    return rows


def list_rounds(store: Store, scope: str | None) -> list[dict]:
    """The rounds `scope` may read, latest opening first, with how many applications."""
    if scope is None:
        return _select(store, "1", [])
    return _select(store, "r.owner = ?", [scope])


def get_round(store: Store, round_id: str, scope: str | None) -> dict:
    found = _select(store, "r.id = ?", [round_id])
    if not found or (scope is not None and found[0]["owner"] != scope):
        raise RoundNotFound(f"no round {round_id!r}")
    return found[0]


def find_round(store: Store, name_or_id: str, scope: str | None) -> dict:
    """A round by id, or by its name when exactly one readable round has it."""
    try:
        return get_round(store, name_or_id, scope)
    except RoundNotFound:
        named = [r for r in list_rounds(store, scope) if r["name"] == name_or_id]
        if len(named) == 1:
            return named[0]
        raise RoundNotFound(f"no round {name_or_id!r}" if not named else
                            f"{len(named)} rounds are called {name_or_id!r}: give its id "
                            f"({', '.join(r['id'] for r in named)})") from None


def open_round(store: Store, round_id: str, scope: str | None) -> dict:
    """The round, if `scope` may read it and it still takes applications."""
    found = get_round(store, round_id, scope)
    if not found["open"]:
        raise RoundClosed(f"the round {found['name']!r} closed on {found['closed_at'][:10]}: "
                          f"it takes no more applications")
    return found


def close_round(store: Store, round_id: str, scope: str | None) -> dict:
    """Close the round (once; closing it again changes nothing)."""
    found = get_round(store, round_id, scope)
    if found["open"]:
        with store.db.conn:
            store.db.execute("update rounds set closed_at = ? where id = ?",
                             [_now(), round_id])
    return get_round(store, round_id, scope)


def assign(store: Store, application_id: str, round_id: str | None, scope: str | None) -> None:
    """Move an application `scope` may read into an open round `scope` may read (None: out
    of any round)."""
    from . import applications

    applications.readable(store.db, application_id, scope)
    if round_id is not None:
        open_round(store, round_id, scope)
    with store.db.conn:
        applications.join(store.db, application_id, round_id)


