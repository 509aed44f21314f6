"""What every page shares: the templates (the HTML report's palette and stylesheet, included, not
copied), the route class that turns refusals into pages, and the headers pages are served with."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.routing import APIRoute
from jinja2 import ChoiceLoader, Environment, PackageLoader, StrictUndefined

from secplan.errors import IntegrityError, PermissionDenied, SecplanError
from secplan.server.errors import ApiError
from secplan.server.pages.session import NotLoggedIn

#: Pages load their stylesheet and script from the server itself and post forms to it only.
PAGE_CSP = ("default-src 'none'; style-src 'self'; script-src 'self'; img-src 'self'; form-action 'self'; "
            "frame-ancestors 'none'; base-uri 'none'")
NAV = (("Portfolio", "/ui/"), ("Findings", "/ui/findings"), ("Approvals", "/ui/approvals"), ("Audit", "/ui/audit"))


@functools.cache
def environment() -> Environment:
    """The pages' templates, then the report's (its stylesheet and macros), with the report's palette
    and helpers: one look for the CLI report and the dashboard. Autoescape on: data quotes untrusted text."""
    from secplan.report.html import environment as report_environment

    report = report_environment()
    env = Environment(loader=ChoiceLoader([PackageLoader("secplan.server.pages", "templates"),
                                           PackageLoader("secplan.report", "templates")]),
                      autoescape=True, undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    from secplan.findings import help_uri

    env.globals.update(report.globals, nav=NAV, help_uri=help_uri)
    env.filters.update(report.filters)
    return env


def render(request: Request, template: str, status: int = 200, **values: Any) -> HTMLResponse:
    """A page from ``template``; ``values`` must include ``who`` (None on the login page) and ``csrf``."""
    values.setdefault("who", None)
    values.setdefault("csrf", "")
    html = environment().get_template(template).render(path=request.url.path, **values)
    return HTMLResponse(html, status_code=status)


def refusal(request: Request, status: int, message: str) -> HTMLResponse:
    titles = {400: "Bad request", 403: "Not allowed", 404: "Not found", 409: "Conflict", 422: "Bad request"}
    return render(request, "error.html.j2", status=status, title=titles.get(status, "Error"), message=message,
                  who=getattr(request.state, "who", None), csrf=getattr(request.state, "csrf", ""))


class PageRoute(APIRoute):
    """A page route: a refusal is a page with its reason (403 stays 403), a missing session a
    redirect to the login form, and nothing ever shows a traceback."""

    def get_route_handler(self) -> Callable[[Request], Any]:
        handler = super().get_route_handler()

        async def page(request: Request) -> Response:
            try:
                return await handler(request)
            except NotLoggedIn as exc:
                from urllib.parse import urlencode

                target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
                return RedirectResponse("/ui/login?" + urlencode({"next": target, "why": exc.reason}), 303)
            except ApiError as exc:
                if exc.status == 401:
                    return RedirectResponse("/ui/login?" + _why(exc.message), 303)
                return refusal(request, exc.status, exc.message)
            except PermissionDenied as exc:
                return refusal(request, 403, exc.message)
            except IntegrityError as exc:
                return refusal(request, 409, exc.message)
            except SecplanError as exc:
                return refusal(request, 400, exc.message)
            except RequestValidationError as exc:
                first = exc.errors()[0] if exc.errors() else {}
                where = ".".join(str(p) for p in first.get("loc", ()) if p not in ("query", "body"))
                return refusal(request, 400, f"{where}: {first.get('msg', 'invalid value')}")

        return page


def _why(message: str) -> str:
    from urllib.parse import urlencode

    return urlencode({"why": message})


class PageHeaders:
    """The dashboard's own Content-Security-Policy (its stylesheet, script and forms come from the
    server) in place of the API's, which allows nothing; and no caching of per-person pages."""

    def __init__(self, app: Any, tls: bool) -> None:
        self.app, self.tls = app, tls

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] != "http" or not (scope["path"] == "/" or scope["path"].startswith("/ui")):
            await self.app(scope, receive, send)
            return

        async def patched(message: dict) -> None:
            if message["type"] == "http.response.start":
                drop = {b"content-security-policy", b"cache-control"}
                headers = [(k, v) for k, v in message.get("headers", []) if k.lower() not in drop]
                headers += [(b"content-security-policy", PAGE_CSP.encode()), (b"cache-control", b"no-store")]
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, patched)


def person(request: Request) -> tuple[Any, Any, str]:
    """The server's context, the logged-in person and their session's CSRF value (NotLoggedIn when
    there is no session: the page redirects to the login form)."""
    from secplan.server.pages import session

    ctx = request.app.state.ctx
    who, csrf = session.identity(ctx, request)
    request.state.who, request.state.csrf = who, csrf
    return ctx, who, csrf


async def form(request: Request) -> dict[str, str]:
    """A posted urlencoded form, first value of each field (bodies are already bounded by the app)."""
    from urllib.parse import parse_qs

    body = (await request.body()).decode("utf-8", "replace")
    return {k: v[0] for k, v in parse_qs(body, keep_blank_values=True).items()}


async def checked_form(request: Request) -> dict[str, str]:
    """A form posted from a logged-in page, refused (403, recorded) without its session's CSRF value."""
    from secplan.access.denials import record_denial
    from secplan.server.pages import session

    fields = await form(request)
    ctx = request.app.state.ctx
    if not session.csrf_ok(ctx, request, fields.get("csrf", "")):
        who = getattr(request.state, "who", None)
        record_denial(ctx.store, who.name if who else "page:anonymous", "write", "session",
                      who.project if who else ctx.home, "missing or wrong CSRF token on a dashboard form")
        raise ApiError(403, "this form was not sent from this session's page (missing or wrong CSRF token); "
                            "reload the page and try again")
    return fields


def sparkline(scores: list[float | None], width: int = 120, height: int = 28) -> dict[str, Any] | None:
    """Points of a score trend (0-10) in a ``width`` x ``height`` box, oldest left; None under two scores."""
    known = [(n, s) for n, s in enumerate(scores) if s is not None]
    if len(known) < 2:
        return None
    step = (width - 6) / max(1, len(scores) - 1)
    points = [(round(3 + n * step, 1), round(height - 3 - (height - 6) * s / 10, 1)) for n, s in known]
    return {"w": width, "h": height, "points": " ".join(f"{x},{y}" for x, y in points), "last": points[-1],
            "first": known[0][1], "newest": known[-1][1]}
