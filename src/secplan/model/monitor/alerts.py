"""Alerts (MS-5) and the incidents they open (HS-5).

A detection with the key of an open alert (kind, model, client, feature) updates that alert;
otherwise it opens one and an incident of the matching playbook, tagged with the MITRE ATLAS
techniques of the attack, naming the client, the evidence window and the on-call owner from the
plan. Every alert and acknowledgement is ledgered.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from secplan.errors import InputError
from secplan.model.monitor.detection import Detection
from secplan.model.monitor.records import AlertRow
from secplan.projects import project_of
from secplan.store.base import utcnow
from secplan.vocabulary import Severity

if TYPE_CHECKING:
    from secplan.store.db import Store


@dataclass(frozen=True)
class Response:
    """What an alert kind calls for: a playbook, ATLAS techniques and a severity."""

    playbook: str
    atlas: tuple[str, ...]
    severity: Severity


RESPONSES: dict[str, Response] = {
    # Exfiltration via ML Inference API: Extract ML Model; ML Model Inference API Access.
    "extraction": Response("model-extraction", ("AML.T0024.002", "AML.T0040"), Severity.HIGH),
    "budget": Response("model-extraction", ("AML.T0024.002", "AML.T0034"), Severity.MEDIUM),
    # Craft Adversarial Data; Evade ML Model.
    "evasion": Response("model-drift-outage", ("AML.T0043", "AML.T0015"), Severity.HIGH),
    # Erode ML Model Integrity.
    "drift": Response("model-drift-outage", ("AML.T0031",), Severity.MEDIUM),
    "prediction-drift": Response("model-drift-outage", ("AML.T0031",), Severity.MEDIUM),
    "ood": Response("model-drift-outage", ("AML.T0043", "AML.T0031"), Severity.MEDIUM),
}


def on_call(store: Store) -> str | None:
    """The plan's on-call owner, else its first project owner."""
    from secplan.human.domain import project_plan

    try:
        plan = project_plan(store)
    except Exception:  # a broken plan must not stop an alert from being stored
        return None
    if plan is None:
        return None
    return plan.project.on_call or (plan.project.owners[0] if plan.project.owners else None)


def _incident(store: Store, d: Detection, owner: str | None) -> int:
    from secplan.human.incidents import open_incident

    response = RESPONSES[d.kind]
    title = f"{d.kind} alert on {d.model}" + (f" from client {d.client}" if d.client else "") + \
        (f" (feature {d.feature})" if d.feature else "") + f": {d.message}"
    return open_incident(store, title[:300], kind=response.playbook, severity=response.severity, owner=owner,
                         assets=[f"model:{d.model}"], atlas=list(response.atlas))


def raise_alerts(store: Store, detections: Sequence[Detection], *, incidents: bool = True) -> list[dict[str, Any]]:
    """Store each detection as a new or updated alert; a new alert opens an incident."""
    from secplan.ledger import record

    project = project_of(store).id
    out = []
    owner = on_call(store) if detections else None
    for d in detections:
        with store.session() as session:
            row = session.scalars(select(AlertRow).where(
                AlertRow.project_id == project, AlertRow.kind == d.kind, AlertRow.model == d.model,
                AlertRow.client.is_(None) if d.client is None else AlertRow.client == d.client,
                AlertRow.feature.is_(None) if d.feature is None else AlertRow.feature == d.feature,
                AlertRow.resolved_at.is_(None))).first()
            new = row is None
            if row is None:
                row = AlertRow(id=str(uuid.uuid4()), project_id=project, kind=d.kind, model=d.model,
                               client=d.client, feature=d.feature, atlas=list(RESPONSES[d.kind].atlas), count=0)
                session.add(row)
            row.score, row.threshold, row.message = float(d.score), float(d.threshold), d.message[:1000]
            row.window, row.count, row.updated_at = dict(d.window), row.count + 1, utcnow()
            alert_id = row.id
        incident = None
        if new and incidents:
            incident = _incident(store, d, owner)
            with store.session() as session:
                session.get(AlertRow, alert_id).incident = incident
        record(store, action="monitor.alert", obj=f"model:{d.model}",
               details={"alert": alert_id, "kind": d.kind, "client": d.client, "feature": d.feature,
                        "score": float(d.score), "threshold": float(d.threshold), "new": new, "incident": incident})
        out.append({"id": alert_id, "new": new, "incident": incident})
    return out


CONTRACT = ("id", "kind", "model", "client", "feature", "opened_at", "incident", "score", "threshold")
"""The fields of ``secplan monitor alerts --format json``, kept stable for scripts."""


def alert_dict(row: AlertRow) -> dict[str, Any]:
    """The contract of ``secplan monitor alerts --format json`` (plus a few extra fields)."""
    return {"id": row.id, "kind": row.kind, "model": row.model, "client": row.client, "feature": row.feature,
            "opened_at": _iso(row.opened_at), "incident": None if row.incident is None else str(row.incident),
            "score": float(row.score), "threshold": float(row.threshold), "message": row.message,
            "atlas": list(row.atlas), "count": row.count, "updated_at": _iso(row.updated_at),
            "acknowledged_by": row.acknowledged_by, "resolved": row.resolved_at is not None,
            "window": row.window}


def _iso(moment: dt.datetime | None) -> str | None:
    return moment.astimezone(dt.UTC).isoformat() if moment is not None else None


def list_alerts(store: Store, *, model: str | None = None, open_only: bool = False) -> list[dict[str, Any]]:
    with store.session() as session:
        query = select(AlertRow).where(AlertRow.project_id == project_of(store).id)
        if model is not None:
            query = query.where((AlertRow.model == model) | AlertRow.model.startswith(f"{model}@"))
        if open_only:
            query = query.where(AlertRow.resolved_at.is_(None))
        return [alert_dict(r) for r in session.scalars(query.order_by(AlertRow.opened_at, AlertRow.id))]


def acknowledge(store: Store, alert_id: str, *, resolve: bool = False) -> dict[str, Any]:
    """Mark an alert seen by the caller (and resolved: the next detection opens a new one)."""
    from secplan.access import require
    from secplan.ledger import record

    who = require(store, "write", "incident")
    with store.session() as session:
        row = session.get(AlertRow, alert_id)
        if row is None or row.project_id != who.project.id:
            raise InputError(f"no alert {alert_id!r} in project {who.project.name!r} (see `secplan monitor alerts`)")
        row.acknowledged_by, row.acknowledged_at = who.name, utcnow()
        if resolve:
            row.resolved_at = utcnow()
        result = alert_dict(row)
    record(store, action="monitor.acknowledge", obj=f"model:{result['model']}",
           details={"alert": alert_id, "resolved": resolve})
    return result
