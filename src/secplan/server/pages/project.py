"""One project's page (its controls by pillar, open findings by severity over time, new and fixed
since the last run, mean time to fix, framework coverage) and one control's page (its probes,
evidence, findings with remediation, framework mappings), from the project's current assessment."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from secplan.server.errors import ApiError
from secplan.server.pages.web import PageRoute, person, render
from secplan.vocabulary import Pillar

router = APIRouter(prefix="/ui", route_class=PageRoute, include_in_schema=False)
HISTORY = 20


def _current(ctx: Any, who: Any, ref: str) -> tuple[Any, Any, dict[str, Any] | None]:
    from secplan.server.auth import allow, project_by_ref
    from secplan.server.queries.assessments import get
    from secplan.server.queries.projects import summaries

    target = project_by_ref(ctx.store, ref)
    allow(ctx, who, "read", "assessment", target)
    summary = summaries(ctx.store, [target])[0]
    found = get(ctx.store, summary.assessment) if summary.assessment is not None else None
    return target, summary, (found[1] if found else None)


@router.get("/projects/{ref}")
def project_page(request: Request, ref: str) -> Response:
    from secplan.server.pages import posture
    from secplan.server.queries.assessments import compare, history

    ctx, who, csrf = person(request)
    target, summary, report = _current(ctx, who, ref)
    runs = list(reversed(history(ctx.store, target, None, None, HISTORY)[0]))
    changes = compare(ctx.store, runs[-2].id, runs[-1].id) if len(runs) >= 2 else None
    controls = report.get("controls", []) if report else []
    by_pillar = [{"pillar": p.value, "score": summary.pillars.get(p.value),
                  "controls": [c for c in controls if c.get("id", "")[:2] == p.value]} for p in Pillar]
    return render(request, "project.html.j2", who=who, csrf=csrf, project=target, summary=summary,
                  pillars=by_pillar, runs=runs, bars=posture.bars(runs), changes=changes,
                  fix_times=posture.fix_times(ctx.store, runs), coverage=posture.coverage(controls),
                  severities=posture.SEVERITIES)


@router.get("/projects/{ref}/controls/{control}")
def control_page(request: Request, ref: str, control: str) -> Response:
    ctx, who, csrf = person(request)
    target, _, report = _current(ctx, who, ref)
    if report is None:
        raise ApiError(404, f"project {target.name!r} has no assessment yet")
    found = next((c for c in report.get("controls", []) if c.get("id") == control.upper()), None)
    if found is None:
        raise ApiError(404, f"no control {control!r} in the plan (DS-1 .. HS-5)")
    from secplan.assess.result import ControlDoc

    doc = ControlDoc.model_validate(found)  # the report's own shape, so the report's macros lay it out
    negative = [f for f in doc.findings if f.outcome.value == "negative"]
    evidence = [f for f in doc.findings if f.outcome.value != "negative"]
    return render(request, "control.html.j2", who=who, csrf=csrf, project=target, c=doc, negative=negative,
                  evidence=evidence, probes=sorted({f.probe for f in doc.findings}))
