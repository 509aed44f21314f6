"""The FastAPI application: OpenAPI 3.1 at ``/api/openapi.json``, the routers under ``/api/v1``,
the error shape, and the middlewares (body limit, rate limit, security headers, ETags)."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI

from secplan.server.context import Context
from secplan.server.schemas import Health

OPENAPI_URL = "/api/openapi.json"


class BodyLimit:
    """Refuse a request body past ``limit`` bytes (413), declared or chunked, before it is parsed."""

    def __init__(self, app: Any, limit: int) -> None:
        self.app, self.limit = app, limit

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.limit:
            await self._refuse(scope, receive, send)
            return
        if declared is not None:
            await self.app(scope, receive, send)  # the server stops reading at the declared length
            return
        # A body without a declared length (chunked): read it here, up to the limit, then hand it on.
        chunks, seen, more = [], 0, True
        while more:
            message = await receive()
            if message["type"] != "http.request":
                await self.app(scope, _replay([message]), send)
                return
            chunks.append(message.get("body", b""))
            seen += len(chunks[-1])
            more = message.get("more_body", False)
            if seen > self.limit:
                await self._refuse(scope, receive, send)
                return
        await self.app(scope, _replay([{"type": "http.request", "body": b"".join(chunks), "more_body": False}],
                                      receive), send)

    async def _refuse(self, scope: dict, receive: Any, send: Any) -> None:
        from secplan.server.errors import error_response

        await error_response(413, f"request body over {self.limit} bytes")(scope, receive, send)


def _replay(messages: list[dict], then: Any = None) -> Any:
    """A ``receive`` that gives ``messages`` first, then waits on ``then`` (a disconnect, say)."""
    pending = list(messages)

    async def receive() -> dict:
        if pending:
            return pending.pop(0)
        if then is None:
            return {"type": "http.disconnect"}
        return await then()

    return receive


def build(ctx: Context) -> FastAPI:
    from secplan import __version__
    from secplan.server import errors, middleware, pages
    from secplan.server.routers import all_routers

    app = FastAPI(title="secplan control plane", version=__version__, openapi_url=OPENAPI_URL, docs_url=None,
                  redoc_url=None, description="The organisation's ML security posture: projects, assessments, "
                  "findings, models, approvals, incidents, people, vendors, attestations, keys and the audit "
                  "ledger. Every route but /api/health needs `Authorization: Bearer TOKEN`.")
    app.state.ctx = ctx
    errors.install(app)
    for router in all_routers():
        app.include_router(router)

    @app.get("/api/health", response_model=Health, tags=["health"], summary="Liveness (no token needed)")
    def health() -> Health:
        return Health(status="ok", version=__version__)

    app.add_middleware(BodyLimit, limit=ctx.settings.max_body)
    middleware.install(app, ctx)  # outermost: every answer, a 413 included, gets the headers
    pages.mount(app)
    return app
