"""Start the server: open the store, check that binding beyond loopback is safe, then uvicorn.

Nothing listens before the checks pass; ``listening on URL`` is printed once the socket accepts
connections (``secplan.web.runner``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from secplan.errors import InputError
from secplan.netaddr import is_loopback

if TYPE_CHECKING:
    from secplan.server.context import Context
    from secplan.server.settings import ServerSettings
    from secplan.store.db import Store


def open_store(settings: ServerSettings) -> Store:
    """The store the server serves: ``--database-url``, else ``SECPLAN_DATABASE_URL``, else the
    SQLite store of the server's folder. Its ledger key lives in that folder's ``.secplan``."""
    from secplan.store.db import Store, state_dir

    if settings.database_url:
        return Store(settings.database_url, state_dir(settings.root.resolve()))
    return Store.for_project(settings.root)


def authentication_configured(store: Store) -> bool:
    """At least one valid API token of an enabled user exists: someone can authenticate."""
    from sqlalchemy import select

    from secplan.access.records import Token, User
    from secplan.store.base import utcnow

    with store.session() as session:
        found = session.execute(
            select(Token.id).join(User, User.name == Token.user_name)
            .where(Token.revoked_at.is_(None), Token.expires_at > utcnow(), User.disabled.is_(False)).limit(1)).first()
    return found is not None


def check_binding(settings: ServerSettings, store: Store) -> None:
    if (is_loopback(settings.host) or settings.oidc is not None or settings.oidc_issuer
            or authentication_configured(store)):
        return
    raise InputError(
        f"--host {settings.host}: the server binds beyond loopback only once authentication is configured, "
        "and this database has no valid API token",
        hint="configure OIDC (--jwks-url, --jwt-issuer, --jwt-audience), or create a user, give it a role and a "
             "token against this database (SECPLAN_DATABASE_URL set to it): "
             "`secplan users add NAME`, `secplan roles grant NAME viewer`, `secplan tokens create NAME`; "
             "or bind to 127.0.0.1")


def open_context(settings: ServerSettings, store: Store) -> Context:
    from secplan.projects import project_of
    from secplan.server.auth import Authenticator
    from secplan.server.context import Context
    from secplan.server.pagination import Pager, server_secret
    from secplan.web.ratelimit import RateLimiter, open_storage

    limiter = RateLimiter(settings.rate, open_storage(settings.redis))
    from secplan.server.sessions import Signer

    home = project_of(store)
    secret = server_secret()
    return Context(settings, store, home, Authenticator(store, home, settings.oidc), limiter, Pager(secret),
                   Signer(secret))


def serve(settings: ServerSettings) -> None:
    """Run until interrupted (SIGINT/SIGTERM)."""
    import os
    import sys

    from secplan.server.app import build
    from secplan.server.settings import SECRET_ENV
    from secplan.web.runner import run

    store = open_store(settings)
    try:
        check_binding(settings, store)
        if not os.environ.get(SECRET_ENV):
            print(f"note: {SECRET_ENV} is not set: page tokens and login sessions are signed with a key of this "
                  "process alone (they end with it, and replicas do not share them)", file=sys.stderr, flush=True)
        run(build(open_context(settings, store)), host=settings.host, port=settings.port,
            tls_cert=settings.tls_cert, tls_key=settings.tls_key)
    finally:
        store.dispose()
