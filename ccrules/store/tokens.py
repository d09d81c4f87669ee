"""API tokens: random secrets shown once, stored only as hashes, checked in constant time.

A token reads `ccr_<id>_<secret>`: the id finds the row, the secret's SHA-256 is compared
with hmac.compare_digest. The secret has 256 bits of entropy, so a fast hash is enough.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from ..errors import CcrulesError
from .database import Store

TOKEN = re.compile(r"ccr_([0-9a-f]{16})_([A-Za-z0-9_-]{43})")


class AccessDenied(CcrulesError):
    title = "Unauthorized"
    status = 401


class UnknownToken(CcrulesError):
    title = "Not found"
    status = 404


class Forbidden(CcrulesError):
    """A valid token that may not do this (e.g. reload the rules without admin rights)."""

    title = "Forbidden"
    status = 403


@dataclass(frozen=True)
class Principal:
    """Who is calling: a token's id and name, and whether it may read everything."""

    id: str
    name: str
    admin: bool

    @property
    def scope(self) -> str | None:
        """Whose evaluations this caller may read: its own (the token id), or all (None)."""
        return None if self.admin else self.id


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def create_token(store: Store, name: str, admin: bool = False) -> str:
    """Create a token and return it; only its hash is stored, so it is shown once."""
    token_id, secret = secrets.token_hex(8), secrets.token_urlsafe(32)
    store.db.table("tokens").insert({"id": token_id, "name": name, "secret_hash": _hash(secret),
                               "admin": int(admin),
                               "created_at": datetime.now(timezone.utc).isoformat()})
    return f"ccr_{token_id}_{secret}"


def has_tokens(store: Store) -> bool:
    return store.db.table("tokens").count > 0


def list_tokens(store: Store) -> list[dict]:
    """Every token: id, name, admin, when it was made and (if so) revoked. No secrets."""
    return list(store.db.table("tokens").rows_where(
        select="id, name, admin, created_at, revoked_at", order_by="created_at"))


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
    return Principal(token_id, row[0], bool(row[2]))


def _token_row(store: Store, token_id: str):
    return store.db.execute("select name, secret_hash, admin, revoked_at from tokens "
                            "where id = ?", [token_id]).fetchone()


# --- page sessions ---------------------------------------------------------------------------

SESSION_DAYS = 31


def start_session(store: Store, principal: Principal) -> str:
    """A page session for a signed-in token: its id goes in the (signed) cookie; the row
    here is what makes it valid, so signing out or revoking the token ends it."""
    session_id = secrets.token_urlsafe(32)
    now = datetime.now(timezone.utc)
    with store.db.conn:
        store.db.execute("insert into sessions (id, token_id, created_at, expires_at) "
                         "values (?, ?, ?, ?)",
                         [session_id, principal.id, now.isoformat(timespec="seconds"),
                          (now + timedelta(days=SESSION_DAYS)).isoformat(timespec="seconds")])
    return session_id


def session_principal(store: Store, session_id: str) -> Principal:
    """Who a page session belongs to; AccessDenied if it ended, expired or its token was
    revoked."""
    row = store.db.execute(
        "select t.id, t.name, t.admin from sessions s join tokens t on t.id = s.token_id "
        "where s.id = ? and s.expires_at > ? and t.revoked_at is null",
        [session_id, _now()]).fetchone()
    if row is None:
        raise AccessDenied("The session has ended; sign in again.")
    return Principal(row[0], row[1], bool(row[2]))


def end_session(store: Store, session_id: str) -> None:
    with store.db.conn:
        store.db.execute("delete from sessions where id = ?", [session_id])


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")
