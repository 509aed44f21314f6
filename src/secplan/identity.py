"""Who is acting. Local single-user mode: the OS user. With ``SECPLAN_TOKEN``: the token's user,
once :mod:`secplan.access` has verified the token (until then ``token:<id>``, never a guess)."""

from __future__ import annotations

import contextlib
import functools
import os
from collections.abc import Iterator
from contextvars import ContextVar

TOKEN_ENV = "SECPLAN_TOKEN"
_verified_tokens: dict[str, str] = {}
_acting: ContextVar[str | None] = ContextVar("secplan_acting", default=None)


@contextlib.contextmanager
def acting_name(name: str) -> Iterator[None]:
    """Within the block (this thread or task only), ledger entries name ``name``: a server sets it
    per request, after :mod:`secplan.access` authenticated the caller."""
    reset = _acting.set(name)
    try:
        yield
    finally:
        _acting.reset(reset)


def token_id_of(token: str) -> str | None:
    """The public id inside a token ``spt_<id>_<secret>``; None when it is not shaped like one."""
    parts = token.strip().split("_", 2)
    if len(parts) != 3 or parts[0] != "spt" or not parts[1] or not parts[2]:
        return None
    return parts[1]


def remember_token_user(token_id: str, user: str) -> None:
    """Called after a token is verified, so ledger entries name the token's user."""
    _verified_tokens[token_id] = user


def os_user() -> str:
    """The login name, as ``getpass.getuser`` finds it; the password-database lookup is cached per
    uid (it cost more than the rest of a ledger append)."""
    for name in ("LOGNAME", "USER", "LNAME", "USERNAME"):
        if user := os.environ.get(name):
            return user
    return _account_name(os.getuid())


@functools.cache
def _account_name(uid: int) -> str:
    try:
        import pwd

        return pwd.getpwuid(uid).pw_name
    except (ImportError, KeyError, OSError):
        return f"uid:{uid}"


def current_actor() -> str:
    """The acting identity's name, as written to the audit ledger."""
    acting = _acting.get()
    if acting is not None:
        return acting
    token = os.environ.get(TOKEN_ENV)
    if token:
        token_id = token_id_of(token) or "malformed"
        return _verified_tokens.get(token_id, f"token:{token_id}")
    override = os.environ.get("SECPLAN_ACTOR")
    if override:
        return override
    return os_user()
