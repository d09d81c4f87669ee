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
from datetime import datetime, timezone

from ..errors import CcrulesError
from .database import Store

TOKEN = re.compile(r"ccr_([0-9a-f]{16})_([A-Za-z0-9_-]{43})")


class AccessDenied(CcrulesError):
    title = "Unauthorized"
    status = 401


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
    return Principal(token_id, row[0], bool(row[2]))


def _token_row(store: Store, token_id: str):
    return store.db.execute("select name, secret_hash, admin from tokens where id = ?",
                            [token_id]).fetchone()


def principal(store: Store, token_id: str) -> Principal:
    """The principal behind a signed-in session's token id (the token may be revoked)."""
    row = _token_row(store, token_id)
    if row is None:
        raise AccessDenied("The session's token no longer exists; sign in again.")
    return Principal(token_id, row[0], bool(row[2]))
