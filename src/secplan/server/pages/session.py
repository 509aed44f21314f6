"""Dashboard sessions: a person logs in with an API token and gets a signed cookie naming that token.

The cookie (``secplan_page``, HttpOnly, SameSite=Strict, Secure under TLS) holds the token's public
id, never its secret. Requests reread that token's row (at most once a second per process, as
the API checks a bearer token), so a revoked or expired token, or a disabled user, ends the session
within a second; the session acts with exactly the token's project, roles
and scope (a read-only token gives a read-only session). The cookie is sealed under its own purpose,
so the API does not take it in place of a bearer token, and it lives at most eight hours.

Every form post carries a CSRF value derived from the sealed cookie by HMAC (another site can
neither read nor compute it); the login form, posted before any session exists, carries one
derived from a short-lived pre-login cookie, so a third site cannot log a browser in as someone else.
"""

from __future__ import annotations

import secrets
import time
from typing import TYPE_CHECKING

from secplan.errors import PermissionDenied
from secplan.web.ttl import TtlCache

if TYPE_CHECKING:
    from fastapi import Request
    from fastapi.responses import Response

    from secplan.access import Identity
    from secplan.server.context import Context

COOKIE = "secplan_page"
PRE_LOGIN = "secplan_page_login"
LIFETIME = 8 * 3600
PRE_LOGIN_LIFETIME = 900
TTL = 1.0
"""Seconds a process reuses a session's token check: a revocation ends sessions within this time."""
_cache: TtlCache[Identity] = TtlCache(TTL)


class NotLoggedIn(Exception):
    """No valid dashboard session: the page sends the browser to the login form."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def set_cookie(response: Response, ctx: Context, name: str, value: str, max_age: int) -> None:
    response.set_cookie(name, value, max_age=max_age, httponly=True, samesite="strict", secure=ctx.settings.tls,
                        path="/")


def pre_login(ctx: Context, request: Request) -> tuple[str, str]:
    """The pre-login cookie to keep (the browser's own, if still valid) and the form's CSRF value."""
    sealed = request.cookies.get(PRE_LOGIN)
    if ctx.signer.open("page-login", sealed) is None:
        sealed = ctx.signer.seal("page-login", {"n": secrets.token_urlsafe(16),
                                                "exp": int(time.time()) + PRE_LOGIN_LIFETIME})
    assert sealed is not None
    return sealed, ctx.signer.csrf(sealed)


def pre_login_ok(ctx: Context, request: Request, presented: str) -> bool:
    sealed = request.cookies.get(PRE_LOGIN)
    return ctx.signer.open("page-login", sealed) is not None and ctx.signer.csrf_ok(sealed or "", presented)


def log_in(ctx: Context, token: str) -> tuple[Identity, str]:
    """The identity ``token`` stands for and a sealed session for it; 401 (recorded) for a bad token."""
    from secplan.server.errors import unauthenticated

    identity = ctx.auth.identify(f"Bearer {token.strip()}")
    if identity.token_id is None:
        raise unauthenticated("log in with an API token (`secplan tokens create`)")
    lifetime = min(LIFETIME, max(0, _expires_in(ctx, identity.token_id)))
    sealed = ctx.signer.seal("page", {"u": identity.name, "t": identity.token_id, "exp": int(time.time()) + lifetime})
    return identity, sealed


def _expires_in(ctx: Context, token_id: str) -> int:
    from sqlalchemy import select

    from secplan.access.records import Token
    from secplan.access.tokens import aware
    from secplan.store.base import utcnow

    with ctx.store.session() as session:
        moment = session.scalars(select(Token.expires_at).where(Token.token_id == token_id)).first()
    expires = aware(moment) if moment is not None else utcnow()
    return int((expires - utcnow()).total_seconds())


def identity(ctx: Context, request: Request) -> tuple[Identity, str]:
    """The logged-in person and the CSRF value of their session; NotLoggedIn when there is none."""
    sealed = request.cookies.get(COOKIE)
    value = ctx.signer.open("page", sealed)
    if value is None or not isinstance(value.get("t"), str):
        raise NotLoggedIn("log in with an API token" if not sealed else "the session has expired; log in again")
    assert sealed is not None
    try:
        who = _from_token_id(ctx, value["t"])
    except PermissionDenied as exc:
        raise NotLoggedIn(exc.message) from None
    return who, ctx.signer.csrf(sealed)


def csrf_ok(ctx: Context, request: Request, presented: str) -> bool:
    sealed = request.cookies.get(COOKIE)
    return bool(sealed) and ctx.signer.csrf_ok(sealed or "", presented)


def _from_token_id(ctx: Context, token_id: str) -> Identity:
    """The identity of a stored token, checked as on every API request (kept for ``TTL`` seconds,
    as the API's authenticator keeps a verified token): not revoked, not expired, its user enabled;
    with its user's roles in its project, limited by the token's roles."""
    return _cache.get((ctx.store.url, token_id), lambda: _read_token(ctx, token_id))


def _read_token(ctx: Context, token_id: str) -> Identity:
    from sqlalchemy import select

    from secplan.access import Identity
    from secplan.access.cache import policy
    from secplan.access.denials import record_denial
    from secplan.access.records import Token, User
    from secplan.access.tokens import aware
    from secplan.projects import Project, ProjectRow
    from secplan.store.base import utcnow

    with ctx.store.session() as session:
        found = session.execute(select(Token, User.disabled, ProjectRow.name)
                                .outerjoin(User, User.name == Token.user_name)
                                .outerjoin(ProjectRow, ProjectRow.id == Token.project_id)
                                .where(Token.token_id == token_id)).first()
        if found is None:
            raise PermissionDenied("the session's token no longer exists; log in again")
        row, disabled, project_name = found
        problem = ("the session's token was revoked" if row.revoked_at is not None else
                   "the session's token has expired" if aware(row.expires_at) <= utcnow() else
                   "the session's user is disabled" if disabled is None or disabled else None)
        project = Project(row.project_id, project_name or row.project_id)
        user, roles_limit, scope, all_projects = row.user_name, row.roles, row.scope, bool(row.all_projects)
    if problem is not None:
        record_denial(ctx.store, f"token:{token_id}", "authenticate", "session", project, problem)
        raise PermissionDenied(problem + "; log in again")
    limit = tuple(roles_limit) if roles_limit is not None else None
    roles = tuple(r for r in policy(ctx.store).roles_of(user, project.id) if limit is None or r in limit)
    return Identity(user, project, roles, "token", token_id, scope, limit, all_projects)
