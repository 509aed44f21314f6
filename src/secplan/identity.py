"""Who is acting. Local single-user mode: the OS user. With ``SECPLAN_TOKEN``: the token's user,
once :mod:`secplan.human.access` has verified the token (until then ``token:<id>``, never a guess)."""

from __future__ import annotations

import getpass
import os

TOKEN_ENV = "SECPLAN_TOKEN"
_verified_tokens: dict[str, str] = {}


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
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return f"uid:{os.getuid()}"


def current_actor() -> str:
    """The acting identity's name, as written to the audit ledger."""
    token = os.environ.get(TOKEN_ENV)
    if token:
        token_id = token_id_of(token) or "malformed"
        return _verified_tokens.get(token_id, f"token:{token_id}")
    override = os.environ.get("SECPLAN_ACTOR")
    if override:
        return override
    return os_user()
