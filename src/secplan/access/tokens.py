"""API tokens: random, shown once, stored as Argon2 hashes (pwdlib), scoped, expiring, revocable.

A token reads ``spt_<id>_<secret>``: the id finds the stored hash without scanning every token,
the secret (256 random bits) is what the hash protects. Nothing here puts a presented token, or
any part of its secret, in an error message or the ledger: only its public id.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy import select

from secplan.access.policy import SCOPES
from secplan.access.records import Token, User
from secplan.errors import InputError
from secplan.identity import token_id_of

if TYPE_CHECKING:
    from secplan.store.db import Store

DEFAULT_DAYS = 90
MAX_DAYS = 366
DEFAULT_SCOPE = "write"


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
    scope: str
    expires_at: dt.datetime
    all_projects: bool = False


def check_scope(scope: str) -> str:
    if scope not in SCOPES:
        raise InputError(f"--scope {scope!r}: one of {', '.join(SCOPES)}")
    return scope


def issue(store: Store, *, user: str, project_id: str, roles: list[str] | None, expires_at: dt.datetime,
          created_by: str, scope: str = DEFAULT_SCOPE, all_projects: bool = False) -> IssuedToken:
    """Create and store a token (its hash only); the caller checks who may do this."""
    check_scope(scope)
    token_id = secrets.token_hex(8)
    secret = secrets.token_urlsafe(32)
    with store.session() as session:
        session.add(Token(token_id=token_id, user_name=user, project_id=project_id, roles=roles, scope=scope,
                          secret_hash=_hasher().hash(secret), created_by=created_by, expires_at=expires_at,
                          all_projects=all_projects))
    return IssuedToken(f"spt_{token_id}_{secret}", token_id, user, project_id, roles, scope, expires_at,
                       all_projects)


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


def aware(moment: dt.datetime) -> dt.datetime:
    """SQLite gives back naive datetimes; they were stored as UTC."""
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


class TokenRejected(Exception):
    """Why a presented token is not accepted: a short reason that never quotes the token."""


def verify(store: Store, presented: str, now: dt.datetime) -> Token:
    """The stored token a presented one matches, if valid now (its user enabled). Raises :class:`TokenRejected`."""
    token_id = token_id_of(presented)
    if token_id is None:
        raise TokenRejected("malformed token")
    with store.session() as session:
        found = session.execute(select(Token, User.disabled).outerjoin(User, User.name == Token.user_name)
                                .where(Token.token_id == token_id)).first()
    if found is None:
        raise TokenRejected("unknown token")
    row, disabled = found
    secret = presented.strip().split("_", 2)[2]
    fingerprint = hashlib.sha256(presented.strip().encode()).hexdigest()
    if _verified.get(fingerprint) != token_id:
        if not _hasher().verify(secret, row.secret_hash):
            raise TokenRejected("wrong secret")
        _verified[fingerprint] = token_id
    if row.revoked_at is not None:
        raise TokenRejected("revoked token")
    if aware(row.expires_at) <= now:
        raise TokenRejected("expired token")
    if disabled is None or disabled:
        raise TokenRejected("the token's user is disabled")
    return row


def find(store: Store, id_or_token: str, project_id: str) -> Token | None:
    """The token of this project named by its id or by the whole token (as `tokens revoke` accepts).

    A whole token counts only when its secret matches: knowing an id is not knowing the token."""
    token_id = token_id_of(id_or_token)
    with store.session() as session:
        row = session.scalars(select(Token).where(Token.token_id == (token_id or id_or_token.strip()),
                                                  Token.project_id == project_id)).first()
    if row is None or token_id is None:
        return row
    return row if _hasher().verify(id_or_token.strip().split("_", 2)[2], row.secret_hash) else None


def describe(given: str) -> str:
    """How to name what a user typed in a message: a token's public id, never its secret."""
    token_id = token_id_of(given)
    if token_id is not None:
        return f"the token with id {token_id!r}"
    if given.startswith("spt_") or len(given) > 32 or not given.isalnum():
        return "the given token"
    return f"token {given!r}"
