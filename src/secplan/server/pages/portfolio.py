"""Log in with an API token, log out, and the portfolio: every project the person may see, worst
first, with its pillar scores and a sparkline of its stored scores."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from secplan.server import answers
from secplan.server.pages import session
from secplan.server.pages.web import PageRoute, checked_form, form, person, render, sparkline
from secplan.vocabulary import Pillar

router = APIRouter(prefix="/ui", route_class=PageRoute, include_in_schema=False)


def _safe_next(target: str) -> str:
    """Only a path of this dashboard: never another site (an open redirect)."""
    return target if target.startswith("/ui/") and not target.startswith("//") and "\\" not in target else "/ui/"


def _login_page(request: Request, why: str, failed: bool, next_: str, status: int = 200) -> Response:
    ctx = request.app.state.ctx
    sealed, csrf = session.pre_login(ctx, request)
    response = render(request, "login.html.j2", status=status, csrf=csrf, why=why, failed=failed,
                      next=_safe_next(next_))
    session.set_cookie(response, ctx, session.PRE_LOGIN, sealed, session.PRE_LOGIN_LIFETIME)
    return response


@router.get("/login")
def login_form(request: Request, next: str = "/ui/", why: str = "") -> Response:
    return _login_page(request, why, False, next)


@router.post("/login")
async def login(request: Request) -> Response:
    from secplan.server.errors import ApiError

    ctx = request.app.state.ctx
    address = request.client.host if request.client else "unknown"
    state = ctx.limiter.hit("login:" + address)  # each wrong secret costs an Argon2 check: counted as the API's
    if not state.allowed:
        response = render(request, "error.html.j2", status=429, title="Too many attempts",
                          message=f"too many login attempts from this address; retry in {state.reset} s")
        response.headers["Retry-After"] = str(state.reset)
        return response
    fields = await form(request)
    if not session.pre_login_ok(ctx, request, fields.get("csrf", "")):
        return _login_page(request, "This login form has expired or was not sent from this site; try again.",
                           True, fields.get("next", "/ui/"), 403)
    try:
        _, sealed = session.log_in(ctx, fields.get("token", ""))
    except ApiError as exc:
        return _login_page(request, exc.message.removeprefix("authentication required: "), True,
                           fields.get("next", "/ui/"), 401)
    response = RedirectResponse(_safe_next(fields.get("next", "/ui/")), status_code=303)
    session.set_cookie(response, ctx, session.COOKIE, sealed, session.LIFETIME)
    response.delete_cookie(session.PRE_LOGIN, path="/")
    return response


@router.post("/logout")
async def logout(request: Request) -> Response:
    person(request)
    await checked_form(request)
    response = RedirectResponse("/ui/login?why=Logged+out.", status_code=303)
    response.delete_cookie(session.COOKIE, path="/")
    return response


@router.get("/")
def portfolio(request: Request, branch: str | None = None) -> Response:
    from secplan.server.auth import visible
    from secplan.server.queries.projects import summaries

    ctx, who, csrf = person(request)
    seen = visible(ctx, who, "read", "assessment")  # authorized before any kept page is looked up

    def build() -> bytes:
        rows = summaries(ctx.store, seen, branch or None)
        pillars = [p.value for p in Pillar]
        projects = [{"row": r, "spark": sparkline(r.trend), "open_total": sum(r.open.values()),
                     "score": badge(r.score), "pillars": [(p, *badge(r.pillars.get(p))) for p in pillars]}
                    for r in rows]
        return bytes(render(request, "portfolio.html.j2", who=who, csrf=csrf, projects=projects,
                            branch=branch or "").body)

    key = ("page-portfolio", answers.current(ctx, seen, branch or None), who, csrf)
    return HTMLResponse(answers.kept(key, build))


def badge(score: float | None) -> tuple[str, str]:
    """A score's text and colour band, computed here: a template macro per cell costs more than
    the portfolio's queries at a hundred projects."""
    from secplan.report.html import score_band
    from secplan.report.view import format_score

    return ("n/a" if score is None else format_score(score)), score_band(score)
