"""API tokens: random, shown once, stored as Argon2 hashes (pwdlib), scoped to roles, expiring, revocable.

A token reads ``spt_<id>_<secret>``: the id finds the stored hash without scanning every token,
the secret (256 random bits) is what the hash protects.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy import select

from secplan.errors import InputError
from secplan.human.records import Token
from secplan.identity import token_id_of

if TYPE_CHECKING:
    from secplan.store.db import Store

DEFAULT_DAYS = 90
MAX_DAYS = 366


def _hasher():
    """Argon2id at OWASP's minimum (19 MiB, t=2, p=1): the secret is 256 random bits, so the hash
    guards a leaked database, not a guessable password; a heavier cost would only slow every command."""
    from pwdlib import PasswordHash
    from pwdlib.hashers.argon2 import Argon2Hasher

    return PasswordHash((Argon2Hasher(time_cost=2, memory_cost=19456, parallelism=1),))


#: Tokens already verified in this process (SHA-256 of the presented token -> token id), so that a
#: long-running server does not pay Argon2 on every request. Revocation and expiry are still read
#: from the store each time.
_verified: dict[str, str] = {}


@dataclass(frozen=True)
class IssuedToken:
    token: str
    """The clear token: shown once, never stored."""
    token_id: str
    user: str
    project_id: str
    roles: list[str] | None
    expires_at: dt.datetime


def issue(store: Store, *, user: str, project_id: str, roles: list[str] | None, expires_at: dt.datetime,
          created_by: str) -> IssuedToken:
    token_id = secrets.token_hex(8)
    secret = secrets.token_urlsafe(32)
    with store.session() as session:
        session.add(Token(token_id=token_id, user_name=user, project_id=project_id, roles=roles,
                          secret_hash=_hasher().hash(secret), created_by=created_by, expires_at=expires_at))
    return IssuedToken(f"spt_{token_id}_{secret}", token_id, user, project_id, roles, expires_at)


def expiry(expires: dt.date | None, now: dt.datetime) -> dt.datetime:
    """End of the given day (UTC); default 90 days; never more than a year, never in the past."""
    if expires is None:
        return now + dt.timedelta(days=DEFAULT_DAYS)
    end = dt.datetime.combine(expires, dt.time(23, 59, 59), tzinfo=dt.UTC)
    if end <= now:
        raise InputError(f"--expires {expires}: the date is in the past")
    if end - now > dt.timedelta(days=MAX_DAYS):
        raise InputError(f"--expires {expires}: tokens live at most {MAX_DAYS} days")
    return end


class TokenRejected(Exception):
    """Why a presented token is not accepted (said in the ledger, not to the caller in detail)."""


def verify(store: Store, presented: str, now: dt.datetime) -> Token:
    """The stored token a presented one matches, if valid now. Raises :class:`TokenRejected`."""
    token_id = token_id_of(presented)
    if token_id is None:
        raise TokenRejected("malformed token")
    with store.session() as session:
        row = session.scalars(select(Token).where(Token.token_id == token_id)).first()
    if row is None:
        raise TokenRejected("unknown token")
    secret = presented.strip().split("_", 2)[2]
    fingerprint = hashlib.sha256(presented.strip().encode()).hexdigest()
    if _verified.get(fingerprint) != token_id:
        if not _hasher().verify(secret, row.secret_hash):
            raise TokenRejected("wrong secret")
        _verified[fingerprint] = token_id
    if row.revoked_at is not None:
        raise TokenRejected("revoked token")
    expires_at = row.expires_at if row.expires_at.tzinfo else row.expires_at.replace(tzinfo=dt.UTC)
    if expires_at <= now:
        raise TokenRejected("expired token")
    return row
