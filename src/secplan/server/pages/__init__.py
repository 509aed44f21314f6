"""The dashboard: server-rendered pages under ``/ui`` over the same queries and access layer as the API.

Every page works without JavaScript (forms are plain GET or POST); the one script only adds
conveniences. Pages read through ``secplan.server.queries`` and the engines' own read functions,
never through HTTP, and every decision goes through ``secplan.server.auth`` as for the API, so a
user who may not see something gets a 403 page naming why, never an empty page.
"""

from __future__ import annotations

from fastapi import FastAPI


def mount(app: FastAPI) -> None:
    """Add the dashboard's routes and its page headers to ``app`` (call after the API's middlewares,
    so that the page policy is applied last, on the way out)."""
    from fastapi.responses import RedirectResponse

    from secplan.server.pages import approvals, audit, findings, portfolio, project, registers, static
    from secplan.server.pages.web import PageHeaders

    for module in (static, portfolio, project, registers, findings, approvals, audit):
        app.include_router(module.router)

    @app.get("/", include_in_schema=False)
    def root() -> RedirectResponse:
        return RedirectResponse("/ui/", status_code=302)

    app.add_middleware(PageHeaders, tls=app.state.ctx.settings.tls)
