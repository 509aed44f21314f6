"""What every request of one server shares: the store, the settings, the limiter and the pager.

The server keeps no state of its own between requests beyond caches (verified tokens for a second,
the access policy for a second): everything is in the store, so replicas on one PostgreSQL agree.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from fastapi import Request

if TYPE_CHECKING:
    from secplan.projects import Project
    from secplan.server.auth import Authenticator
    from secplan.server.pagination import Pager
    from secplan.server.sessions import Signer
    from secplan.server.settings import ServerSettings
    from secplan.store.db import Store
    from secplan.web.ratelimit import RateLimiter


@dataclass
class Context:
    settings: ServerSettings
    store: Store
    home: Project
    """The project of the server's own folder: whose roles govern the store-wide audit ledger."""
    auth: Authenticator
    limiter: RateLimiter
    pager: Pager
    signer: Signer
    """Sessions, login states and CSRF tokens."""


async def context(request: Request) -> Context:
    """The dependency routers declare to reach the server's context (async: no worker thread for it)."""
    return request.app.state.ctx
