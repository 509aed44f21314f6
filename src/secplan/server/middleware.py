"""What every answer gets, in order: a rate limit, security headers, and ETags on reads.

* Rate limit per client (its bearer token's digest, else its address), before anything is read
  from the store: ``RateLimit-Limit``, ``RateLimit-Remaining``, ``RateLimit-Reset`` and
  ``RateLimit-Policy`` on every ``/api`` answer, a 429 with ``Retry-After`` past the limit.
* Security headers on every answer: a CSP that allows nothing but the server itself and forbids
  framing, ``X-Content-Type-Options: nosniff``, ``Referrer-Policy: no-referrer``, ``Cache-Control:
  no-store`` on the API (answers are per caller), HSTS when served over TLS.
* ``ETag`` (a digest of the body) on successful GETs, and 304 without a body when the client's
  ``If-None-Match`` already names it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Awaitable, Callable

from fastapi import FastAPI, Request
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from secplan.server.context import Context
from secplan.server.errors import error_response

CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
#: The interactive documentation pages load nothing from elsewhere: there are none (OpenAPI JSON only).
SECURITY_HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
}
HSTS = "max-age=63072000; includeSubDomains"


def _client_key(request: Request) -> str:
    scheme, _, token = (request.headers.get("authorization") or "").partition(" ")
    if scheme.lower() == "bearer" and token.strip():
        return "token:" + hashlib.sha256(token.strip().encode()).hexdigest()[:32]
    return "address:" + (request.client.host if request.client else "unknown")


def etag_of(body: bytes) -> str:
    return '"' + hashlib.sha256(body).hexdigest()[:32] + '"'


def _matches(header: str | None, etag: str) -> bool:
    if not header:
        return False
    candidates = {part.strip().removeprefix("W/") for part in header.split(",")}
    return "*" in candidates or etag in candidates


def install(app: FastAPI, ctx: Context) -> None:
    @app.middleware("http")
    async def guard(request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
        limited = request.url.path.startswith("/api/")
        rate_headers: dict[str, str] = {}
        if limited:
            key = _client_key(request)
            # in memory a hit is a few microseconds under a lock; Redis is a network round trip
            state = ctx.limiter.hit(key) if ctx.settings.redis is None else await run_in_threadpool(ctx.limiter.hit, key)
            rate_headers = {"RateLimit-Limit": str(state.limit), "RateLimit-Remaining": str(state.remaining),
                            "RateLimit-Reset": str(state.reset), "RateLimit-Policy": f"{state.limit};w={state.window}"}
            if not state.allowed:
                response: Response = error_response(
                    429, f"rate limit of {ctx.limiter.rate} per client exceeded; retry in {state.reset} s",
                    {**rate_headers, "Retry-After": str(state.reset)})
                return _secure(response, ctx, limited)
        response = await call_next(request)
        if request.method in ("GET", "HEAD") and response.status_code == 200:
            body = b"".join([chunk async for chunk in response.body_iterator])  # type: ignore[attr-defined]
            etag = etag_of(body)
            headers = {k: v for k, v in response.headers.items() if k.lower() != "content-length"}
            if _matches(request.headers.get("if-none-match"), etag):
                response = Response(status_code=304, headers={k: v for k, v in headers.items()
                                                              if k.lower() != "content-type"})
            else:
                response = Response(body, status_code=200, headers=headers)
            response.headers["ETag"] = etag
        response.headers.update(rate_headers)
        return _secure(response, ctx, limited)


def _secure(response: Response, ctx: Context, api: bool) -> Response:
    response.headers.update(SECURITY_HEADERS)
    if api:
        response.headers["Cache-Control"] = "private, no-cache"
        response.headers["Vary"] = "Authorization"
    if ctx.settings.tls:
        response.headers["Strict-Transport-Security"] = HSTS
    return response
