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
from typing import Any

from fastapi import FastAPI
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


def _client_key(authorization: str | None, client: tuple[str, int] | None) -> str:
    scheme, _, token = (authorization or "").partition(" ")
    if scheme.lower() == "bearer" and token.strip():
        return "token:" + hashlib.sha256(token.strip().encode()).hexdigest()[:32]
    return "address:" + (client[0] if client else "unknown")


def etag_of(body: bytes) -> str:
    return '"' + hashlib.sha256(body).hexdigest()[:32] + '"'


def _matches(header: str | None, etag: str) -> bool:
    if not header:
        return False
    candidates = {part.strip().removeprefix("W/") for part in header.split(",")}
    return "*" in candidates or etag in candidates


class Guard:
    """The three of them as one ASGI middleware (no per-request task or body copy beyond the ETag's)."""

    def __init__(self, app: Any, ctx: Context) -> None:
        self.app, self.ctx = app, ctx

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        api = scope["path"].startswith("/api/")
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers") or []}
        extra = self._static(api)
        if api:
            ctx = self.ctx
            key = _client_key(headers.get("authorization"), scope.get("client"))
            # in memory a hit is a few microseconds under a lock; Redis is a network round trip
            state = ctx.limiter.hit(key) if ctx.settings.redis is None else await run_in_threadpool(ctx.limiter.hit, key)
            extra += [("RateLimit-Limit", str(state.limit)), ("RateLimit-Remaining", str(state.remaining)),
                      ("RateLimit-Reset", str(state.reset)), ("RateLimit-Policy", f"{state.limit};w={state.window}")]
            if not state.allowed:
                refused = error_response(429, f"rate limit of {ctx.limiter.rate} per client exceeded; retry in "
                                              f"{state.reset} s", {"Retry-After": str(state.reset)})
                await self._with_headers(refused, extra)(scope, receive, send)
                return
        if scope["method"] in ("GET", "HEAD"):
            await self._with_etag(scope, receive, send, headers.get("if-none-match"), extra)
            return

        async def add_headers(message: dict) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = _merge(message.get("headers", []), extra)
            await send(message)

        await self.app(scope, receive, add_headers)

    @staticmethod
    def _with_headers(response: Response, extra: list[tuple[str, str]]) -> Response:
        for name, value in extra:
            response.headers[name] = value
        return response

    def _static(self, api: bool) -> list[tuple[str, str]]:
        out = list(SECURITY_HEADERS.items())
        if api:
            out += [("Cache-Control", "private, no-cache"), ("Vary", "Authorization")]
        if self.ctx.settings.tls:
            out.append(("Strict-Transport-Security", HSTS))
        return out

    async def _with_etag(self, scope: dict, receive: Any, send: Any, if_none_match: str | None,
                         extra: list[tuple[str, str]]) -> None:
        start: dict = {}
        body: list[bytes] = []

        async def buffer(message: dict) -> None:
            if message["type"] == "http.response.start":
                start.update(message)
                return
            if message["type"] == "http.response.body":
                body.append(message.get("body", b""))
                if message.get("more_body", False):
                    return
                await self._finish(send, start, b"".join(body), if_none_match, extra)
                return
            await send(message)

        await self.app(scope, receive, buffer)

    @staticmethod
    async def _finish(send: Any, start: dict, content: bytes, if_none_match: str | None,
                      extra: list[tuple[str, str]]) -> None:
        status = start.get("status", 200)
        raw = [(k, v) for k, v in start.get("headers", []) if k.lower() != b"content-length"]
        if status == 200:
            etag = etag_of(content)
            extra = [*extra, ("ETag", etag)]
            if _matches(if_none_match, etag):
                status, content = 304, b""
                raw = [(k, v) for k, v in raw if k.lower() != b"content-type"]
        raw.append((b"content-length", str(len(content)).encode()))
        await send({"type": "http.response.start", "status": status, "headers": _merge(raw, extra)})
        await send({"type": "http.response.body", "body": content, "more_body": False})


def _merge(raw: list, extra: list[tuple[str, str]]) -> list:
    names = {name.lower().encode("latin-1") for name, _ in extra}
    kept = [(k, v) for k, v in raw if k.lower() not in names]
    return kept + [(name.lower().encode("latin-1"), value.encode("latin-1")) for name, value in extra]


def install(app: FastAPI, ctx: Context) -> None:
    app.add_middleware(Guard, ctx=ctx)
