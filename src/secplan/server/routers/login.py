"""``/api/auth``: OIDC login (authorisation code with PKCE) into a browser session, and logout.

``/api/auth/login`` sends the browser to the issuer with a fresh ``state``, ``nonce`` and PKCE
challenge (S256), kept in a signed, ten-minute cookie; ``/api/auth/callback`` checks the state,
redeems the code with the PKCE verifier, verifies the ID token (signature from the issuer's JWKS,
issuer, audience = the client id, expiry, nonce) and sets the session cookie of the user its claim
names. The user's grants decide what the session may do, as for a token.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import secrets
import time
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response

from secplan.server import sessions
from secplan.server.context import Context, context
from secplan.server.errors import COMMON, ApiError

router = APIRouter(prefix="/api/auth", tags=["auth"], responses=COMMON)
CLIENT_SECRET_ENV = "SECPLAN_OIDC_CLIENT_SECRET"
"""The OIDC client's secret, for a confidential client (a public client relies on PKCE alone)."""
_discovery: dict[str, tuple[float, dict[str, Any]]] = {}


def _configured(ctx: Context) -> Any:
    settings = ctx.settings
    if not settings.oidc_issuer or not settings.oidc_client_id or not settings.public_url:
        raise ApiError(404, "OIDC login is not configured on this server (--oidc-issuer, --oidc-client-id, "
                            "--public-url)")
    return settings


def discovery(issuer: str) -> dict[str, Any]:
    """The issuer's OpenID configuration, fetched once an hour; its issuer must be the one configured."""
    import httpx

    hit = _discovery.get(issuer)
    if hit is not None and time.monotonic() - hit[0] < 3600:
        return hit[1]
    try:
        doc = httpx.get(issuer.rstrip("/") + "/.well-known/openid-configuration", timeout=10).json()
    except (httpx.HTTPError, ValueError):
        raise ApiError(503, "the identity provider's configuration cannot be read") from None
    if doc.get("issuer") != issuer or not all(k in doc for k in ("authorization_endpoint", "token_endpoint",
                                                                   "jwks_uri")):
        raise ApiError(503, "the identity provider's configuration does not name this issuer and its endpoints")
    _discovery[issuer] = (time.monotonic(), doc)
    return doc


def _challenge(verifier: str) -> str:
    return base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()


def _redirect_uri(settings: Any) -> str:
    return settings.public_url.rstrip("/") + "/api/auth/callback"


def _cookie(response: Any, ctx: Context, name: str, value: str, max_age: int) -> None:
    response.set_cookie(name, value, max_age=max_age, httponly=True, samesite="lax", secure=ctx.settings.tls,
                        path="/")


@router.get("/login", status_code=302, summary="Start an OIDC login (authorisation code with PKCE)",
            responses={302: {"description": "To the identity provider."}})
def login(ctx: Context = Depends(context)) -> RedirectResponse:
    settings = _configured(ctx)
    doc = discovery(settings.oidc_issuer)
    state, nonce, verifier = secrets.token_urlsafe(24), secrets.token_urlsafe(24), secrets.token_urlsafe(48)
    query = urlencode({"response_type": "code", "client_id": settings.oidc_client_id,
                       "redirect_uri": _redirect_uri(settings), "scope": "openid profile email", "state": state,
                       "nonce": nonce, "code_challenge": _challenge(verifier), "code_challenge_method": "S256"})
    response = RedirectResponse(f"{doc['authorization_endpoint']}?{query}", status_code=302)
    sealed = ctx.signer.seal("login", {"s": state, "n": nonce, "v": verifier,
                                       "exp": int(time.time()) + sessions.LOGIN_LIFETIME})
    _cookie(response, ctx, sessions.LOGIN_COOKIE, sealed, sessions.LOGIN_LIFETIME)
    return response


def _id_token_user(ctx: Context, doc: dict[str, Any], id_token: str, nonce: str) -> str:
    import jwt

    from secplan.web.oidc import JWT_ALGORITHMS

    settings = ctx.settings
    try:
        key = jwt.PyJWKClient(doc["jwks_uri"], timeout=10).get_signing_key_from_jwt(id_token)
        claims = jwt.decode(id_token, key.key, algorithms=list(JWT_ALGORITHMS), audience=settings.oidc_client_id,
                            issuer=settings.oidc_issuer, options={"require": ["exp", "iss", "aud", "nonce"]},
                            leeway=30)
    except jwt.PyJWTError as exc:
        raise ApiError(401, f"the ID token is not valid: {type(exc).__name__}") from None
    if not hmac.compare_digest(str(claims.get("nonce", "")), nonce):
        raise ApiError(401, "the ID token's nonce is not this login's")
    user = claims.get(settings.jwt_user_claim)
    if not isinstance(user, str) or not user.strip():
        raise ApiError(401, f"the ID token has no {settings.jwt_user_claim!r} claim")
    return user.strip()[:200]


@router.get("/callback", status_code=302, summary="The identity provider's redirect back",
            responses={302: {"description": "Logged in: to /api/auth/session."}})
def callback(request: Request, code: str = "", state: str = "", ctx: Context = Depends(context)) -> RedirectResponse:
    import httpx

    from secplan.access.denials import record_denial
    from secplan.ledger import record

    settings = _configured(ctx)
    pending = ctx.signer.open("login", request.cookies.get(sessions.LOGIN_COOKIE))
    if pending is None or not state or not hmac.compare_digest(str(pending.get("s", "")), state):
        record_denial(ctx.store, "oidc:login", "authenticate", "session", ctx.home, "state does not match")
        raise ApiError(400, "this login's state does not match (start again at /api/auth/login)")
    doc = discovery(settings.oidc_issuer)
    form = {"grant_type": "authorization_code", "code": code, "redirect_uri": _redirect_uri(settings),
            "client_id": settings.oidc_client_id, "code_verifier": pending["v"]}
    secret = os.environ.get(CLIENT_SECRET_ENV)
    if secret:
        form["client_secret"] = secret
    try:
        answer = httpx.post(doc["token_endpoint"], data=form, timeout=10)
        id_token = answer.json().get("id_token") if answer.status_code == 200 else None
    except (httpx.HTTPError, ValueError):
        id_token = None
    if not id_token:
        record_denial(ctx.store, "oidc:login", "authenticate", "session", ctx.home, "the code was not redeemed")
        raise ApiError(401, "the identity provider did not redeem the code")
    try:
        user = _id_token_user(ctx, doc, id_token, str(pending["n"]))
    except ApiError as exc:
        record_denial(ctx.store, "oidc:login", "authenticate", "session", ctx.home, exc.message)
        raise
    record(ctx.store, action="auth.login", obj=f"user:{user}", actor=user, details={"issuer": settings.oidc_issuer})
    response = RedirectResponse("/api/auth/session", status_code=302)
    _cookie(response, ctx, sessions.COOKIE, ctx.signer.new_session(user), sessions.LIFETIME)
    response.delete_cookie(sessions.LOGIN_COOKIE, path="/")
    return response


@router.get("/session", summary="The browser session: its user and the CSRF token its writes need")
def session(request: Request, ctx: Context = Depends(context)) -> JSONResponse:
    found = ctx.signer.session(request.cookies.get(sessions.COOKIE))
    if found is None:
        raise ApiError(401, "no session (log in at /api/auth/login)")
    return JSONResponse({"user": found.user, "expires": found.expires, "csrf_token": found.csrf})


@router.post("/logout", status_code=204, summary="End the browser session")
def logout(request: Request, ctx: Context = Depends(context)) -> Response:
    sealed = request.cookies.get(sessions.COOKIE)
    if sealed and not ctx.signer.csrf_ok(sealed, request.headers.get(sessions.CSRF_HEADER)):
        raise ApiError(403, f"missing or wrong {sessions.CSRF_HEADER} header")
    response = Response(status_code=204)
    response.delete_cookie(sessions.COOKIE, path="/")
    return response
