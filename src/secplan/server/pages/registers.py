"""A project's registers through the API's own routes (same access decisions, same shapes): models
(versions, stages, signatures, scans, evaluations, served digests), incidents (open first, the
Art. 73 clock, owner), people and vendors, with what is lapsing within ``SOON`` days marked."""

from __future__ import annotations

import datetime as dt
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from secplan.server.pages.web import PageRoute, person, render

router = APIRouter(prefix="/ui/projects/{ref}", route_class=PageRoute, include_in_schema=False)
SOON = 30


def lapse(day: str | None, today: dt.date | None = None) -> str | None:
    """``lapsed`` for a date in the past, ``lapsing`` within ``SOON`` days, else None."""
    if not day:
        return None
    try:
        when = dt.date.fromisoformat(day[:10])
    except ValueError:
        return None
    today = today or dt.date.today()
    return "lapsed" if when < today else "lapsing" if when <= today + dt.timedelta(days=SOON) else None


@router.get("/models")
def models_page(request: Request, ref: str) -> Response:
    from secplan.server.routers.models import list_models, list_versions

    ctx, who, csrf = person(request)
    models = [{"model": m, "versions": list_versions(ref, m.name, ctx=ctx, who=who)}
              for m in list_models(ref, ctx=ctx, who=who)]  # each call checks read on the model
    return render(request, "models.html.j2", who=who, csrf=csrf, ref=ref, models=models,
                  alerts=live_alerts(ctx.store, ref, {m["model"].name for m in models}))


def live_alerts(store: Any, ref: str, names: set[str]) -> list[dict[str, Any]]:
    """The monitor's unresolved alerts on the project's models (``name`` or ``name@version``),
    newest first, in the shape ``secplan monitor alerts`` prints."""
    from sqlalchemy import select

    from secplan.model.monitor.alerts import alert_dict
    from secplan.model.monitor.records import AlertRow
    from secplan.server.auth import project_by_ref

    project = project_by_ref(store, ref)
    with store.session() as session:
        rows = session.scalars(select(AlertRow).where(AlertRow.project_id == project.id,
                                                      AlertRow.resolved_at.is_(None))
                               .order_by(AlertRow.updated_at.desc(), AlertRow.id)).all()
        found = [alert_dict(r) for r in rows]
    return [a for a in found if a["model"].split("@", 1)[0] in names]


@router.get("/incidents")
def incidents_page(request: Request, ref: str) -> Response:
    from secplan.server.routers.incidents import list_incidents

    ctx, who, csrf = person(request)
    rows = list_incidents(ref, state=None, ctx=ctx, who=who)
    rows.sort(key=lambda i: (i.state != "open", (i.clock or {}).get("days_left", 1e9), -i.id))
    return render(request, "incidents.html.j2", who=who, csrf=csrf, ref=ref, incidents=rows)


@router.get("/people")
def people_page(request: Request, ref: str) -> Response:
    from secplan.server.routers.people import list_people
    from secplan.server.routers.vendors import list_vendors

    ctx, who, csrf = person(request)
    people: list[dict[str, Any]] = []
    for p in list_people(ref, ctx=ctx, who=who):
        trainings = [{**t, "lapse": lapse(t.get("expires"))} for t in p.training]
        people.append({"p": p, "training": trainings, "lapsing": any(t["lapse"] for t in trainings)})
    vendors = [{"v": v, "lapse": lapse(v.agreement.get("expires"))} for v in list_vendors(ref, ctx=ctx, who=who)]
    return render(request, "people.html.j2", who=who, csrf=csrf, ref=ref, people=people, vendors=vendors, soon=SOON)
