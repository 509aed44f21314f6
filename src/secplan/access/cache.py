"""The policy a warm process decides from: read from the store once, kept, and refreshed.

Reading grants and roles for every decision costs a database round trip (88 decisions/s before
this cache). A process keeps one :class:`~secplan.access.policy.Policy` per store instead and
rereads it when a change made through this process invalidates it (at once) or when it is older
than ``SECPLAN_POLICY_TTL`` seconds (default 1), which bounds how long a change made by another
process (a CLI run against a team PostgreSQL store) takes to reach a running server. Token
revocation and expiry are not cached: they are read for every request (``tokens.verify``).
"""

from __future__ import annotations

import os
import threading
import time
import weakref
from typing import TYPE_CHECKING

from sqlalchemy import select

from secplan.access.policy import BUILTIN_ROLES, Policy
from secplan.access.records import CustomRole, Grant, User
from secplan.errors import InputError
from secplan.projects import moves

if TYPE_CHECKING:
    from secplan.store.db import Store

TTL_ENV = "SECPLAN_POLICY_TTL"
DEFAULT_TTL = 1.0

#: store -> (monotonic time it expires, rows moved between projects when it was read, policy)
_cached: weakref.WeakKeyDictionary[Store, tuple[float, int, Policy]] = weakref.WeakKeyDictionary()
_lock = threading.Lock()


def ttl() -> float:
    raw = os.environ.get(TTL_ENV)
    if not raw:
        return DEFAULT_TTL
    try:
        value = float(raw)
    except ValueError:
        raise InputError(f"{TTL_ENV}={raw!r}: give a number of seconds (0 rereads for every decision)") from None
    if not 0 <= value <= 3600:
        raise InputError(f"{TTL_ENV}={raw!r}: between 0 and 3600 seconds")
    return value


def load(store: Store) -> Policy:
    """The policy as the store holds it now (built-in roles, custom roles, grants, disabled users)."""
    roles = {name: tuple(perms) for name, perms in BUILTIN_ROLES.items()}
    with store.session() as session:
        for row in session.scalars(select(CustomRole)):
            roles[row.name] = tuple((k, a) for k, a in row.permissions)
        grants = list(session.execute(select(Grant.user_name, Grant.role, Grant.project_id)))
        disabled = list(session.scalars(select(User.name).where(User.disabled.is_(True))))
    return Policy.build(roles, grants, disabled)


def policy(store: Store) -> Policy:
    """The cached policy of ``store``, reread when invalidated, older than the TTL, or when grants
    moved to another project id (a folder's first plan adopting its records)."""
    entry = _cached.get(store)
    if _fresh(store, entry):
        return entry[2]
    with _lock:
        entry = _cached.get(store)
        if not _fresh(store, entry):
            lifetime = ttl()
            moved = moves(store)
            entry = (time.monotonic() + lifetime, moved, load(store))
            if lifetime > 0:
                _cached[store] = entry
    return entry[2]


def _fresh(store: Store, entry: tuple[float, int, Policy] | None) -> bool:
    return entry is not None and time.monotonic() < entry[0] and entry[1] == moves(store)


def invalidate(store: Store) -> None:
    """Forget the cached policy: call after changing users, roles or grants."""
    with _lock:
        _cached.pop(store, None)
