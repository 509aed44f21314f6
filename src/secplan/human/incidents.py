"""Incidents (HS-3, HS-5): NIST SP 800-61 Rev. 3 lifecycle, ATLAS tags, playbook steps checked off,
a timeline, EU AI Act Art. 73 clocks, drills, and incidents opened from assessment findings."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from secplan.access import Identity, require
from secplan.errors import InputError
from secplan.human.audit import audit
from secplan.human.clocks import ART73_DAYS, art73_clock
from secplan.human.playbooks import PHASES, atlas_techniques, playbooks
from secplan.human.records import Incident, IncidentEvent
from secplan.store.base import utcnow
from secplan.vocabulary import Severity

if TYPE_CHECKING:
    from secplan.store.db import Store

#: Which playbook a finding's probe or control most likely calls for.
_TYPE_BY_HINT = (
    ("secret", "secret-leak"), ("extraction", "model-extraction"), ("drift", "model-drift-outage"),
    ("pickle", "malicious-model-artifact"), ("artifact", "malicious-model-artifact"),
    ("poison", "training-data-poisoning"), ("MS-6", "malicious-model-artifact"),
    ("DS-7", "training-data-poisoning"), ("MS-5", "model-drift-outage"), ("DS-4", "sensitive-data-leak"),
    ("DS-6", "sensitive-data-leak"), ("PS-7", "secret-leak"),
)


def _check_type(kind: str) -> None:
    if kind not in playbooks():
        raise InputError(f"--type {kind!r}: one of {', '.join(playbooks())}")


def _check_atlas(ids: list[str]) -> list[str]:
    unknown = [t for t in ids if t not in atlas_techniques()]
    if unknown:
        raise InputError(f"--atlas {', '.join(unknown)}: unknown MITRE ATLAS technique id "
                         "(see `secplan incident atlas`)")
    return ids


def _event(session, incident_id: int, who: str, kind: str, text: str) -> None:
    session.add(IncidentEvent(incident_id=incident_id, actor=who, kind=kind, text=text))


def open_incident(store: Store, title: str, *, kind: str, severity: Severity, owner: str | None = None,
                  assets: list[str] | None = None, atlas: list[str] | None = None, finding: str | None = None,
                  serious: str | None = None, aware_at: dt.datetime | None = None,
                  drill: bool = False) -> int:
    who = require(store, "write", "incident")
    _check_type(kind)
    if serious is not None and serious not in ART73_DAYS:
        raise InputError(f"--serious {serious!r}: one of {', '.join(ART73_DAYS)}")
    book = playbooks()[kind]
    tags = sorted(set(_check_atlas(atlas or [])) | set(book.atlas))
    steps = [{"phase": phase, "text": text, "done_at": None, "done_by": None} for phase, text in book.steps]
    now = utcnow()
    with store.session() as session:
        row = Incident(project_id=who.project.id, title=title, type=kind, severity=Severity(severity).value,
                       owner=owner, assets=sorted(set(assets or [])), atlas=tags, finding=finding,
                       serious=serious, aware_at=aware_at or now, steps=steps, drill=drill, opened_at=now)
        session.add(row)
        session.flush()
        _event(session, row.id, who.name, "drill" if drill else "open", title)
        incident_id = row.id
    audit(store, "incident.drill" if drill else "incident.open", f"incident:{incident_id}",
          {"type": kind, "severity": str(severity), "finding": finding, "serious": serious})
    return incident_id


def open_from_finding(store: Store, finding_id: str, *, kind: str | None = None, owner: str | None = None,
                      serious: str | None = None) -> int:
    """Open an incident for a finding of the latest stored assessment (a scan or monitor result)."""
    from secplan.assess.history import latest_assessment

    require(store, "write", "incident")
    from secplan.projects import project_of

    doc = latest_assessment(store, project_of(store).id)
    found = None
    for control in doc.controls if doc else []:
        for f in control.findings:
            if f.id == finding_id or f.id.endswith("/" + finding_id):
                found = f
    if found is None:
        raise InputError(f"--from-finding {finding_id!r}: no such finding in the latest stored assessment "
                         "(run `secplan assess` first; ids are in its JSON output)")
    if kind is None:
        text = f"{found.probe} {found.control}"
        kind = next((t for hint, t in _TYPE_BY_HINT if hint in text), None)
        if kind is None:
            raise InputError(f"finding {found.id} ({found.probe}) has no obvious incident type: give --type")
    assets = [found.location.path] if found.location else []
    return open_incident(store, found.message[:300], kind=kind, severity=found.severity, owner=owner,
                         assets=assets, finding=found.id, serious=serious)


def _get(session, incident_id: int, who: Identity) -> Incident:
    row = session.get(Incident, incident_id)
    if row is None or row.project_id != who.project.id:
        raise InputError(f"no incident {incident_id} in project {who.project.name!r}")
    return row


def update_incident(store: Store, incident_id: int, *, phase: str | None = None, owner: str | None = None,
                    note: str | None = None, done: list[int] | None = None, atlas: list[str] | None = None,
                    reported_at: dt.datetime | None = None, serious: str | None = None) -> None:
    """Move the lifecycle forward, check off playbook steps (1-based), add notes and tags."""
    who = require(store, "write", f"incident:{incident_id}")
    if serious is not None and serious not in ART73_DAYS:
        raise InputError(f"--serious {serious!r}: one of {', '.join(ART73_DAYS)}")
    changes: dict[str, Any] = {}
    with store.session() as session:
        row = _get(session, incident_id, who)
        if row.closed:
            raise InputError(f"incident {incident_id} is closed")
        if phase is not None:
            if phase not in PHASES:
                raise InputError(f"--phase {phase!r}: one of {', '.join(PHASES)}")
            if PHASES.index(phase) < PHASES.index(row.phase):
                raise InputError(f"--phase {phase}: incident {incident_id} is already at {row.phase}")
            row.phase = changes["phase"] = phase
            _event(session, row.id, who.name, "phase", phase)
        if owner is not None:
            row.owner = changes["owner"] = owner
            _event(session, row.id, who.name, "owner", owner)
        steps = [dict(s) for s in row.steps]
        for number in done or []:
            if not 1 <= number <= len(steps):
                raise InputError(f"--done {number}: the playbook has steps 1..{len(steps)}")
            steps[number - 1].update(done_at=utcnow().isoformat(), done_by=who.name)
            _event(session, row.id, who.name, "step", f"{number}. {steps[number - 1]['text']}")
        if done:
            row.steps = steps
            changes["done"] = done
        if atlas:
            row.atlas = changes["atlas"] = sorted(set(row.atlas) | set(_check_atlas(atlas)))
        if serious is not None:
            row.serious = changes["serious"] = serious
        if reported_at is not None:
            row.reported_at = reported_at
            changes["reported_at"] = reported_at.isoformat()
            _event(session, row.id, who.name, "reported", f"reported to the authority at {reported_at:%Y-%m-%d}")
        if note:
            _event(session, row.id, who.name, "note", note)
            changes["note"] = True
    audit(store, "incident.update", f"incident:{incident_id}", changes)


def close_incident(store: Store, incident_id: int, summary: str = "") -> list[str]:
    """Close; returns the playbook steps left unchecked (recorded, and flagged by the assessment)."""
    who = require(store, "write", f"incident:{incident_id}")
    with store.session() as session:
        row = _get(session, incident_id, who)
        if row.closed:
            raise InputError(f"incident {incident_id} is already closed")
        row.closed, row.closed_at, row.phase = True, utcnow(), "lessons"
        open_steps = [s["text"] for s in row.steps if not s.get("done_at")]
        _event(session, row.id, who.name, "close", summary)
    audit(store, "incident.close", f"incident:{incident_id}", {"open_steps": len(open_steps)})
    return open_steps


def incident_dict(row: Incident, now: dt.datetime) -> dict[str, Any]:
    clock = art73_clock(row.serious, row.aware_at, row.reported_at, now)
    return {"id": row.id, "title": row.title, "type": row.type, "severity": row.severity, "phase": row.phase,
            "state": "closed" if row.closed else "open", "drill": row.drill, "owner": row.owner,
            "assets": list(row.assets), "atlas": list(row.atlas), "finding": row.finding,
            "opened_at": row.opened_at.isoformat(),
            "closed_at": row.closed_at.isoformat() if row.closed_at else None,
            "steps": [dict(s, number=n) for n, s in enumerate(row.steps, 1)],
            "clock": clock.to_dict() if clock else None}


def all_incidents(store: Store, project_id: str, now: dt.datetime | None = None) -> list[dict[str, Any]]:
    now = now or utcnow()
    with store.session() as session:
        rows = session.scalars(select(Incident).where(Incident.project_id == project_id).order_by(Incident.id)).all()
        return [incident_dict(r, now) for r in rows]


def list_incidents(store: Store, include_closed: bool = True) -> list[dict[str, Any]]:
    who = require(store, "read", "incident")
    return [i for i in all_incidents(store, who.project.id) if include_closed or i["state"] == "open"]


def show_incident(store: Store, incident_id: int) -> dict[str, Any]:
    who = require(store, "read", f"incident:{incident_id}")
    with store.session() as session:
        return incident_dict(_get(session, incident_id, who), utcnow())


def timeline(store: Store, incident_id: int) -> list[dict[str, Any]]:
    who = require(store, "read", f"incident:{incident_id}")
    with store.session() as session:
        _get(session, incident_id, who)
        rows = session.scalars(select(IncidentEvent).where(IncidentEvent.incident_id == incident_id)
                               .order_by(IncidentEvent.at, IncidentEvent.id)).all()
        return [{"at": e.at.isoformat(), "actor": e.actor, "kind": e.kind, "text": e.text} for e in rows]


def record_drill(store: Store, kind: str, *, on: dt.date | None = None, notes: str = "") -> int:
    """A tabletop or live exercise of a playbook, kept as a closed incident marked ``drill``."""
    incident_id = open_incident(store, f"Drill: {playbooks().get(kind).title if kind in playbooks() else kind}",
                                kind=kind, severity=Severity.INFO, drill=True)
    when = dt.datetime.combine(on, dt.time(12, 0), tzinfo=dt.UTC) if on else utcnow()
    with store.session() as session:
        row = session.get(Incident, incident_id)
        row.opened_at = row.aware_at = when
        row.closed, row.closed_at, row.phase = True, when, "lessons"
        row.steps = [dict(s, done_at=when.isoformat(), done_by="drill") for s in row.steps]
        if notes:
            _event(session, incident_id, "drill", "note", notes)
    return incident_id
