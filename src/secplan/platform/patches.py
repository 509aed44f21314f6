"""Patch management (PS-2): remember when each vulnerability was first seen, close it when a scan no
longer finds it, and judge open ones against the plan's SLA per severity."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy import select

from secplan.platform.findings import Finding
from secplan.platform.records import VulnerabilityRecord
from secplan.store.base import utcnow
from secplan.vocabulary import Severity

if TYPE_CHECKING:
    from secplan.store.db import Store

DEFAULT_SLA = {Severity.CRITICAL: 15, Severity.HIGH: 30, Severity.MEDIUM: 90, Severity.LOW: 180}


@dataclass(frozen=True)
class Exposure:
    package: str
    version: str
    advisory: str
    severity: Severity
    path: str
    first_seen: dt.datetime
    remediated_at: dt.datetime | None
    days_exposed: int
    sla_days: int | None
    status: str
    """``open``, ``overdue`` or ``remediated``."""

    def to_json(self) -> dict:
        return {
            "package": self.package, "version": self.version, "advisory": self.advisory,
            "severity": str(self.severity), "path": self.path, "first_seen": self.first_seen.isoformat(),
            "remediated_at": self.remediated_at.isoformat() if self.remediated_at else None,
            "days_exposed": self.days_exposed, "sla_days": self.sla_days, "status": self.status,
        }


def record_scan(store: Store, project_id: str, findings: list[Finding], now: dt.datetime | None = None) -> dict[str, int]:
    """Upsert this scan's vulnerabilities; mark those no longer found as remediated. Returns counts."""
    now = now or utcnow()
    current = {(f.package, f.advisories[0]): f for f in findings
               if f.rule == "vulnerable-dependency" and f.package and f.advisories}
    counts = {"new": 0, "still_open": 0, "remediated": 0, "reopened": 0}
    with store.session() as session:
        rows = {(r.package, r.advisory): r for r in session.scalars(
            select(VulnerabilityRecord).where(VulnerabilityRecord.project_id == project_id))}
        for key, f in current.items():
            row = rows.get(key)
            if row is None:
                session.add(VulnerabilityRecord(project_id=project_id, package=key[0], advisory=key[1], version=f.version or "",
                                                severity=str(f.severity), path=f.path, first_seen=now, last_seen=now))
                counts["new"] += 1
                continue
            if row.remediated_at is not None:
                row.remediated_at, row.first_seen = None, now
                counts["reopened"] += 1
            else:
                counts["still_open"] += 1
            row.last_seen, row.version, row.severity, row.path = now, f.version or "", str(f.severity), f.path
        for key, row in rows.items():
            if key not in current and row.remediated_at is None:
                row.remediated_at = now
                counts["remediated"] += 1
    if counts["new"] or counts["remediated"] or counts["reopened"]:
        from secplan.ledger import record

        record(store, action="platform.scan", obj=f"project:{project_id}", details=counts)
    return counts


def exposures(store: Store, project_id: str, sla: dict[Severity, int] | None = None,
              now: dt.datetime | None = None) -> list[Exposure]:
    """Every recorded vulnerability of ``project`` with its days exposed and status against the SLA."""
    sla = sla or DEFAULT_SLA
    now = now or utcnow()
    out: list[Exposure] = []
    with store.session() as session:
        rows = list(session.scalars(select(VulnerabilityRecord).where(VulnerabilityRecord.project_id == project_id)))
    for row in rows:
        severity = Severity(row.severity)
        first = row.first_seen
        end = row.remediated_at if row.remediated_at else now
        days = (end - first).days
        limit = sla.get(severity)
        if row.remediated_at:
            status = "remediated"
        elif limit is not None and days > limit:
            status = "overdue"
        else:
            status = "open"
        out.append(Exposure(row.package, row.version, row.advisory, severity, row.path, first,
                            row.remediated_at if row.remediated_at else None, days, limit, status))
    order = {"overdue": 0, "open": 1, "remediated": 2}
    return sorted(out, key=lambda e: (order[e.status], -e.severity.rank, -e.days_exposed, e.package))


def mean_time_to_remediate(items: list[Exposure]) -> float | None:
    """Mean days from first seen to remediated over remediated findings; None when there are none."""
    done = [e.days_exposed for e in items if e.status == "remediated"]
    return round(sum(done) / len(done), 1) if done else None
