"""API tokens: random secrets shown once, stored only as hashes, checked in constant time.
A token is a service account for an integration, with a role (as a user has), owned by a
user (who reads what it stores, and whose disabling stops it) or marked as a service.

A token reads `ccr_<id>_<secret>`: the id finds the row, the secret's SHA-256 is compared
with hmac.compare_digest. The secret has 256 bits of entropy, so a fast hash is enough.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from datetime import datetime, timedelta, timezone

from ..errors import CcrulesError
from .database import Store
from .users import AccessDenied, Forbidden, Principal, Role, UnknownUser, active, find_user

__all__ = ["AccessDenied", "Forbidden", "Principal", "UnknownToken"]

TOKEN = re.compile(r"ccr_([0-9a-f]{16})_([A-Za-z0-9_-]{43})")


class UnknownToken(CcrulesError):
    title = "Not found"
    status = 404


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def create_token(store: Store, name: str, admin: bool = False, role: Role | str | None = None,
                 owner: str | None = None, service: bool = False) -> str:
    """Create a token and return it; only its hash is stored, so it is shown once. Its role
    is `role` (or admin with `admin`; else the owner's role, else officer); it is owned by
    the user `owner` (an e-mail or id), or, with `service`, by no one. A token with neither
    is owned by the first administrator (now, or when there is one)."""
    owner_row = None
    if owner:
        owner_row = find_user(store, owner)
        if owner_row is None:
            raise UnknownUser(f"no user {owner!r} to own the token")
    chosen = Role(role) if role else Role.ADMIN if admin else (
        Role(owner_row["role"]) if owner_row else Role.OFFICER)
    if owner_row is None and not service:
        first = store.db.execute("select id from users where role = 'admin' "
                                 "order by created_at limit 1").fetchone()
        owner_row = {"id": first[0]} if first else None
    token_id, secret = secrets.token_hex(8), secrets.token_urlsafe(32)
    store.db.table("tokens").insert({"id": token_id, "name": name, "secret_hash": _hash(secret),
                                     "admin": int(chosen is Role.ADMIN), "role": chosen.value,
                                     "user_id": owner_row["id"] if owner_row else None,
                                     "service": int(service),
                                     "created_at": datetime.now(timezone.utc).isoformat()})
    return f"ccr_{token_id}_{secret}"


def has_tokens(store: Store) -> bool:
    return store.db.table("tokens").count > 0


def list_tokens(store: Store) -> list[dict]:
    """Every token: id, name, admin, when it was made and (if so) revoked. No secrets."""
    return [dict(r) | {"owner": r.pop("owner_name") or ("service" if r["service"] else "")}
            for r in (dict(x) for x in store.db.query(
                "select t.id, t.name, t.role, t.admin, t.service, t.created_at, t.revoked_at, "
                "u.name as owner_name from tokens t left join users u on u.id = t.user_id "
                "order by t.created_at"))]


def revoke_tokens(store: Store, name_or_id: str) -> list[str]:
    """Revoke the token with this id, or every token with this name, and end their page
    sessions. Returns the ids revoked (NotFoundToken if none matched)."""
    with store.db.conn:
        ids = [row[0] for row in store.db.execute(
            "select id from tokens where (id = ? or name = ?) and revoked_at is null",
            [name_or_id, name_or_id]).fetchall()]
        if not ids:
            raise UnknownToken(f"no active token called {name_or_id!r}")
        marks = ", ".join("?" * len(ids))
        store.db.execute(f"update tokens set revoked_at = ? where id in ({marks})",
                         [_now(), *ids])
        store.db.execute(f"delete from sessions where token_id in ({marks})", ids)
    return ids


def authenticate(store: Store, header: str | None) -> Principal:
    """Check an `Authorization: Bearer <token>` header; raise AccessDenied if it fails."""
    scheme, _, token = (header or "").partition(" ")
    match = TOKEN.fullmatch(token.strip()) if scheme.lower() == "bearer" else None
    if not match:
        raise AccessDenied("A valid API token is required: Authorization: Bearer <token>.")
    token_id, secret = match.groups()
    row = _token_row(store, token_id)
    if row is None:
        hmac.compare_digest(_hash(secrets.token_urlsafe(32)), _hash(secret))  # same work
        raise AccessDenied("The API token is not valid.")
    if not hmac.compare_digest(row[1], _hash(secret)):
        raise AccessDenied("The API token is not valid.")
    if row[3]:
        raise AccessDenied("The API token has been revoked.")
    owner = active(store, row[5]) if row[5] else None
    if row[5] and owner is None:
        raise AccessDenied("The API token's owner is disabled.")
    # a token acts in the rounds its owner sits on, with its own role
    return Principal(token_id, row[0], Role(row[4]), "token", (token_id,),
                     rounds=owner.rounds if owner else ())


def _token_row(store: Store, token_id: str):
    return store.db.execute("select name, secret_hash, admin, revoked_at, role, user_id "
                            "from tokens where id = ?", [token_id]).fetchone()


# --- page sessions ---------------------------------------------------------------------------

SESSION_DAYS = 31


def start_session(store: Store, principal: Principal) -> str:
    """A page session for a signed-in user: its id goes in the (signed) cookie; the row
    here is what makes it valid, so signing out or disabling the user ends it."""
    session_id = secrets.token_urlsafe(32)
    now = datetime.now(timezone.utc)
    user_id, token_id = (principal.id, None) if principal.kind == "user" else (None,
                                                                                principal.id)
    with store.db.conn:
        store.db.execute("insert into sessions (id, token_id, user_id, created_at, expires_at) "
                         "values (?, ?, ?, ?, ?)",
                         [session_id, token_id, user_id, now.isoformat(timespec="seconds"),
                          (now + timedelta(days=SESSION_DAYS)).isoformat(timespec="seconds")])
    return session_id


def session_principal(store: Store, session_id: str) -> Principal:
    """Who a page session belongs to; AccessDenied if it ended, expired or its user was
    disabled (or its token revoked)."""
    row = store.db.execute("select user_id, token_id from sessions where id = ? and "
                           "expires_at > ?", [session_id, _now()]).fetchone()
    who = active(store, row[0]) if row and row[0] else None
    if row and row[1] and not row[0]:
        found = store.db.execute("select name, role, revoked_at from tokens where id = ?",
                                 [row[1]]).fetchone()
        if found and not found[2]:
            who = Principal(row[1], found[0], Role(found[1]), "token", (row[1],))
    if who is None:
        raise AccessDenied("The session has ended; sign in again.")
    return who


def end_session(store: Store, session_id: str) -> None:
    with store.db.conn:
        store.db.execute("delete from sessions where id = ?", [session_id])


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")
