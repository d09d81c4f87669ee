"""Named users with roles, local passwords (argon2) and single sign-on identities.

A user has a name, an e-mail (unique, compared case-insensitively) and one role: officer,
panel member or administrator (what each may do is decided in ccrules/service.py, the one
home of the access rule). A user signs in with a local password (hashed with argon2id via
argon2-cffi; never stored in the clear) or through the organisation's OpenID Connect
provider, where the provider's issuer and subject identify them after the first sign-in
(which matches the e-mail an administrator entered). A disabled user's page sessions end
and their API tokens stop working; their records stay, with their name.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timezone
from enum import Enum
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from ..errors import CcrulesError, ErrorItem
from .access import NOBODY, Scope
from .database import Store


class Role(str, Enum):
    OFFICER = "officer"
    PANEL = "panel"
    ADMIN = "admin"


ROLE_WORDS = {Role.OFFICER: "programme officer", Role.PANEL: "panel member",
              Role.ADMIN: "administrator"}
EMAIL = re.compile(r"[^@\s]+@[^@\s]+")
MIN_PASSWORD = 12


class AccessDenied(CcrulesError):
    title = "Unauthorized"
    status = 401


class Forbidden(CcrulesError):
    """A known caller that may not do this (e.g. a panel member reloading the rules)."""

    title = "Forbidden"
    status = 403


class UserError(CcrulesError):
    """A user that cannot be added or changed as asked."""

    title = "Invalid user"
    status = 422


class UnknownUser(CcrulesError):
    title = "Not found"
    status = 404


@dataclass(frozen=True)
class Principal:
    """Who is calling: a user, or an API token (a service account). `owns` lists the owner
    ids of the records that are this caller's own: a user's id and its tokens' ids; a
    token's own id. `scope` reads nothing until ccrules.service's access rule sets it."""

    id: str
    name: str
    role: Role
    kind: str = "user"  # or "token"
    owns: tuple[str, ...] = ()
    email: str | None = None
    rounds: tuple[str, ...] = ()  # the rounds this user sits on (store/rounds.py)
    scope: Scope = NOBODY  # what it reads: set by the access rule (service.authorised)

    @property
    def admin(self) -> bool:
        return self.role is Role.ADMIN


_hasher = PasswordHasher()
_DUMMY: list[str] = []  # see _dummy


def _dummy() -> str:
    """A hash verified against when the e-mail is unknown, so an unknown account costs the
    same time; made on first use (a hash takes a tenth of a second: not at import)."""
    if not _DUMMY:
        _DUMMY.append(_hasher.hash(secrets.token_urlsafe(16)))
    return _DUMMY[0]


def role_of(text: str) -> Role:
    try:
        return Role(text)
    except ValueError:
        raise UserError(f"no role {text!r}: choose one of "
                        f"{', '.join(r.value for r in Role)}") from None


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def _check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise UserError(f"a password needs at least {MIN_PASSWORD} characters",
                        [ErrorItem(("password",), f"{len(password)} given")])


def add_user(store: Store, name: str, email: str, role: Role | str = Role.OFFICER,
             password: str | None = None) -> dict:
    """Add a user; the first administrator added also becomes the owner of the API tokens
    that predate users (store/schema.py). Returns the user's row (no password hash)."""
    role = role if isinstance(role, Role) else role_of(role)
    name, email = name.strip(), email.strip()
    faults = []
    if not name:
        faults.append(ErrorItem(("name",), "a user needs a name"))
    if not EMAIL.fullmatch(email):
        faults.append(ErrorItem(("email",), f"{email!r} is not an e-mail address"))
    if faults:
        raise UserError("The user cannot be added.", faults)
    if password is not None:
        _check_password(password)
    if find_user(store, email) is not None:
        raise UserError(f"there is already a user with the e-mail {email}")
    user_id = secrets.token_hex(8)
    row = {"id": user_id, "name": name, "email": email, "role": role.value,
           "password_hash": _hasher.hash(password) if password else None,
           "created_at": _now()}
    with store.db.conn:
        store.db.table("users").insert(row)
        if role is Role.ADMIN:
            adopt_legacy_tokens(store, user_id)
    return public(row)


FIRST_ADMIN = "admin@localhost"


def first_administrator(store: Store) -> tuple[str, str] | None:
    """On a first run (no users yet): an administrator with a random password, returned
    once as (e-mail, password); None if there are users already."""
    if store.db.table("users").count:
        return None
    password = secrets.token_urlsafe(12)
    add_user(store, "Administrator", FIRST_ADMIN, Role.ADMIN, password)
    return FIRST_ADMIN, password


def adopt_legacy_tokens(store: Store, admin_id: str) -> None:
    """Tokens made before users existed become service accounts owned by the first
    administrator (once there is one)."""
    store.db.execute("update tokens set user_id = ? where user_id is null and service = 0",
                     [admin_id])


def public(row: dict) -> dict:
    return {k: row.get(k) for k in ("id", "name", "email", "role", "created_at",
                                    "disabled_at", "oidc_subject")} | {
        "password": bool(row.get("password_hash"))}


def find_user(store: Store, email_or_id: str) -> dict | None:
    cursor = store.db.execute("select * from users where id = ? or lower(email) = lower(?)",
                              [email_or_id, email_or_id])
    found = cursor.fetchone()
    return dict(zip([c[0] for c in cursor.description], found, strict=True)) if found else None


def user(store: Store, email_or_id: str) -> dict:
    found = find_user(store, email_or_id)
    if found is None:
        raise UnknownUser(f"no user {email_or_id!r}")
    return found


def list_users(store: Store) -> list[dict]:
    return [public(r) for r in store.db.table("users").rows_where(order_by="created_at")]


def names(store: Store, ids: set[str]) -> dict[str, str]:
    """The names of users and tokens by id (for an audit trail)."""
    if not ids:
        return {}
    marks = ", ".join("?" * len(ids))
    rows = store.db.execute(f"select id, name from users where id in ({marks}) union all "
                            f"select id, name from tokens where id in ({marks})",
                            [*ids, *ids]).fetchall()
    return dict(rows)


def set_role(store: Store, email_or_id: str, role: Role | str) -> dict:
    role = role if isinstance(role, Role) else role_of(role)
    found = user(store, email_or_id)
    with store.db.conn:
        store.db.execute("update users set role = ? where id = ?", [role.value, found["id"]])
        if role is Role.ADMIN:
            adopt_legacy_tokens(store, found["id"])
    return public({**found, "role": role.value})


def set_password(store: Store, email_or_id: str, password: str) -> None:
    _check_password(password)
    found = user(store, email_or_id)
    with store.db.conn:
        store.db.execute("update users set password_hash = ? where id = ?",
                         [_hasher.hash(password), found["id"]])


def disable_user(store: Store, email_or_id: str) -> dict:
    """Disable a user: their page sessions end now, their tokens stop working."""
    found = user(store, email_or_id)
    with store.db.conn:
        store.db.execute("update users set disabled_at = coalesce(disabled_at, ?) "
                         "where id = ?", [_now(), found["id"]])
        store.db.execute("delete from sessions where user_id = ? or token_id in "
                         "(select id from tokens where user_id = ?)",
                         [found["id"], found["id"]])
    return public(user(store, found["id"]))


def enable_user(store: Store, email_or_id: str) -> dict:
    found = user(store, email_or_id)
    with store.db.conn:
        store.db.execute("update users set disabled_at = null where id = ?", [found["id"]])
    return public(user(store, found["id"]))


def principal_of(store: Store, row: dict) -> Principal:
    tokens = [r[0] for r in store.db.execute("select id from tokens where user_id = ?",
                                             [row["id"]]).fetchall()]
    sits = [r[0] for r in store.db.execute("select round_id from round_members where "
                                           "user_id = ? order by rowid", [row["id"]])]
    return Principal(row["id"], row["name"], Role(row["role"]), "user",
                     (row["id"], *tokens), row["email"], tuple(sits))


def active(store: Store, user_id: str) -> Principal | None:
    """The principal of an enabled user, else None."""
    found = find_user(store, user_id)
    if found is None or found["disabled_at"] or found["id"] != user_id:
        return None
    return principal_of(store, found)


def check_password(store: Store, email: str, password: str) -> Principal:
    """The user with this e-mail and password; AccessDenied (one message for every
    reason, so it tells nothing about which accounts exist) otherwise."""
    found = find_user(store, email.strip()) if email.strip() else None
    stored = found["password_hash"] if found and found["password_hash"] else _dummy()
    refused = AccessDenied("The e-mail or password is not right, or the account is "
                           "disabled.")
    try:
        _hasher.verify(stored, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        raise refused from None
    if found is None or stored is _dummy() or found["disabled_at"]:
        raise refused
    if _hasher.check_needs_rehash(stored):
        with store.db.conn:
            store.db.execute("update users set password_hash = ? where id = ?",
                             [_hasher.hash(password), found["id"]])
    return principal_of(store, found)


class NotAllowed(CcrulesError):
    """Signed in at the provider, but not someone this service lets in."""

    title = "Not allowed"
    status = 403


def oidc_user(store: Store, issuer: str, claims: dict[str, Any],
              role_groups: dict[str, Role] | None = None,
              groups_claim: str = "groups") -> Principal:
    """The user an ID token's verified claims name. Known by (issuer, subject) after their
    first sign-in; before it, by the e-mail an administrator entered (the provider must not
    say it is unverified), and the subject is then bound to them. A provider user in none
    of the allow-list's entries, but in a group mapped to a role (`role_groups`), is added
    with the highest such role. Anyone else is refused (NotAllowed)."""
    subject = str(claims.get("sub") or "")
    email = str(claims.get("email") or "").strip()
    if not subject:
        raise NotAllowed("The provider's answer names no subject.")
    cursor = store.db.execute("select * from users where oidc_issuer = ? and oidc_subject = ?",
                              [issuer, subject])
    found = cursor.fetchone()
    row = dict(zip([c[0] for c in cursor.description], found, strict=True)) if found else None
    verified = claims.get("email_verified") is not False
    if row is None and email and verified:
        row = find_user(store, email)
        if row is not None and row["oidc_subject"] and (
                row["oidc_subject"], row["oidc_issuer"]) != (subject, issuer):
            row = None  # that e-mail is bound to another identity already
    groups = claims.get(groups_claim) or []
    granted = [role for group, role in (role_groups or {}).items()
               if isinstance(groups, list) and group in groups]
    if row is None and granted and email and verified:
        best = max(granted, key=[Role.PANEL, Role.OFFICER, Role.ADMIN].index)
        name = str(claims.get("name") or email)
        row = user(store, add_user(store, name, email, best)["id"])
    if row is None:
        who = email or subject
        raise NotAllowed(f"You signed in at your organisation as {who}, but {who} is not "
                         "on this service's list of users. Ask a ccrules administrator to "
                         "add you (ccrules user add NAME EMAIL --role officer).")
    if row["disabled_at"]:
        raise NotAllowed(f"The account for {row['email']} is disabled; ask a ccrules "
                         "administrator.")
    with store.db.conn:
        store.db.execute("update users set oidc_issuer = ?, oidc_subject = ? where id = ?",
                         [issuer, subject, row["id"]])
    return principal_of(store, row)
