"""The findings page: the API's filters as a GET form, cursor pages, CSV/JSON export through the
API's own export, and dependency findings grouped by package with the version that fixes them all."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response

from secplan.server import answers
from secplan.server.errors import ApiError
from secplan.server.pages.web import PageRoute, person, render
from secplan.vocabulary import Pillar, Severity

router = APIRouter(prefix="/ui", route_class=PageRoute, include_in_schema=False)
PAGE = 50
STATES = ("open", "waived", "baseline")


def _age(name: str, text: str) -> int | None:
    if not text.strip():
        return None
    if not text.strip().isdigit():
        raise ApiError(400, f"{name} {text!r}: a whole number of days, 0 or more")
    return int(text)


class _Form:
    """The filter form's fields, as typed (empty means no filter), checked like the API's."""

    def __init__(self, project: str, pillar: str, control: str, severity: list[str], state: str, min_age: str,
                 max_age: str) -> None:
        if pillar and pillar not in {p.value for p in Pillar}:
            raise ApiError(400, f"pillar {pillar!r}: one of {', '.join(p.value for p in Pillar)}")
        bad = [s for s in severity if s not in {s.value for s in Severity}]
        if bad:
            raise ApiError(400, f"severity {bad[0]!r}: one of {', '.join(s.value for s in Severity)}")
        if state and state not in STATES:
            raise ApiError(400, f"state {state!r}: one of {', '.join(STATES)}")
        self.project, self.pillar, self.control = project.strip(), pillar, control.strip().upper()
        self.severity, self.state = [s for s in severity if s], state
        self.min_age, self.max_age = _age("min_age", min_age), _age("max_age", max_age)

    def api_params(self) -> Any:
        """The API route's own parameter object, so the page filters exactly as the API does."""
        from secplan.server.routers.findings import _Params

        return _Params(project=[self.project] if self.project else [], pillar=Pillar(self.pillar) if self.pillar
                       else None, control=self.control or None, severity=[Severity(s) for s in self.severity],
                       state=self.state or None, min_age_days=self.min_age, max_age_days=self.max_age, branch=None)

    def query(self, **extra: str) -> str:
        pairs = [("project", self.project), ("pillar", self.pillar), ("control", self.control),
                 *[("severity", s) for s in self.severity], ("state", self.state),
                 ("min_age", "" if self.min_age is None else str(self.min_age)),
                 ("max_age", "" if self.max_age is None else str(self.max_age)), *extra.items()]
        return urlencode([(k, v) for k, v in pairs if v])


def _form(project: str, pillar: str, control: str, severity: list[str], state: str, min_age: str,
          max_age: str) -> _Form:
    return _Form(project, pillar, control, severity, state, min_age, max_age)


@router.get("/findings")
def findings_page(request: Request, project: str = "", pillar: str = "", control: str = "",
                  severity: list[str] = Query([]), state: str = "", min_age: str = "", max_age: str = "",
                  page: str = "", group: str = "", size: str = "") -> Response:
    from dataclasses import asdict

    from secplan.server.auth import visible
    from secplan.server.queries import findings as queries
    from secplan.server.routers.findings import _projects, keep_for

    ctx, who, csrf = person(request)
    chosen = _form(project, pillar, control, severity, state, min_age, max_age)
    params = chosen.api_params()
    projects = _projects(ctx, who, params.project)  # 403 for a project the person may not read
    choices = sorted(p.name for p in visible(ctx, who, "read", "assessment"))
    values = {"who": who, "csrf": csrf, "f": chosen, "choices": choices, "pillars": [p.value for p in Pillar],
              "severities": [s.value for s in sorted(Severity, key=lambda s: -s.rank)], "states": STATES,
              "export_csv": "/ui/findings/export?" + chosen.query(format="csv"),
              "export_json": "/ui/findings/export?" + chosen.query(format="json"),
              "grouped_href": "/ui/findings?" + chosen.query(group="package"),
              "flat_href": "/ui/findings?" + chosen.query()}
    if group == "package":
        from secplan.server.pages.dependencies import groups

        found = groups(ctx.store, projects, chosen.severity, chosen.state or None)
        return render(request, "findings.html.j2", grouped=found, rows=[], total=sum(len(g.findings) for g in found),
                      next_href=None, first_href=None, **values)
    n = int(size) if size.isdigit() and 1 <= int(size) <= 200 else PAGE
    scope = {**params.filter.as_dict(), "projects": sorted(p.id for p in projects), "size": n}
    position = ctx.pager.decode("page-findings", scope, page or None)
    after = (int(position[0]), int(position[1])) if position else None

    def build() -> tuple[bytes, float]:
        rows, total, following = queries.page(ctx.store, projects, params.filter, after, n)
        token = ctx.pager.encode("page-findings", scope, list(following)) if following else None
        html = render(request, "findings.html.j2", grouped=None, rows=[asdict(r) for r in rows], total=total,
                      next_href=("/ui/findings?" + chosen.query(size=str(n), page=token)) if token else None,
                      first_href="/ui/findings?" + chosen.query(size=str(n)) if page else None, **values).body
        return bytes(html), keep_for(params.filter, rows)

    # the key holds what the page shows beside its rows: the person, their CSRF value, the projects
    # they may choose from, and the form as typed
    key = ("page-findings", answers.current(ctx, projects, None), who, csrf, tuple(choices), chosen.query(),
           params.filter, after, n, bool(page))
    body, _ = answers.kept(key, build, lambda answer: answer[1])
    return HTMLResponse(body)


@router.get("/findings/export")
def findings_export(request: Request, project: str = "", pillar: str = "", control: str = "",
                    severity: list[str] = Query([]), state: str = "", min_age: str = "", max_age: str = "",
                    format: str = "csv") -> Response:
    """The API's export, for the logged-in person: the same rows, columns and formula guard."""
    from secplan.server.routers.findings import export_findings

    ctx, who, _ = person(request)
    if format not in ("csv", "json"):
        raise ApiError(400, f"format {format!r}: csv or json")
    chosen = _form(project, pillar, control, severity, state, min_age, max_age)
    return export_findings(params=chosen.api_params(), format=format, ctx=ctx, who=who)  # type: ignore[arg-type]
