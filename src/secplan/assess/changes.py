"""What changed since the previous assessment of the same project and branch: new and fixed findings,
and the score and open findings of recent runs. Computed once per run, so every report format (and
``secplan history``) shows the same answer.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from sqlalchemy import select

from secplan.assess.history import AssessmentRecord
from secplan.assess.result import AssessmentDoc, ChangesDoc, FindingChangeDoc, LocationDoc, TrendPointDoc
from secplan.store.db import Store
from secplan.vocabulary import Outcome, Severity

TREND_LENGTH = 20
"""Assessments in a trend, this one included: enough to see a direction, small enough for a sparkline."""


def compare(store: Store, project_id: str, branch: str | None, doc: AssessmentDoc) -> ChangesDoc:
    """``doc`` against the newest stored assessment of ``project_id`` on ``branch``."""
    query = (select(AssessmentRecord.id, AssessmentRecord.finished_at, AssessmentRecord.score,
                    AssessmentRecord.open_counts)
             .where(AssessmentRecord.project_id == project_id)
             .where(AssessmentRecord.branch.is_(None) if branch is None else AssessmentRecord.branch == branch)
             .order_by(AssessmentRecord.finished_at.desc(), AssessmentRecord.id.desc())
             .limit(TREND_LENGTH - 1))
    with store.session() as session:
        rows = list(session.execute(query))
        newest_report = session.get(AssessmentRecord, rows[0].id).report if rows else None
        reports = {row.id: session.get(AssessmentRecord, row.id).report for row in rows if row.open_counts is None}
    points = [TrendPointDoc(assessment=row.id, at=row.finished_at, score=row.score,
                            open=_counts(row.open_counts if row.open_counts is not None
                                         else reports[row.id].get("severity_counts", {})))
              for row in reversed(rows)]
    current = TrendPointDoc(assessment=None, at=doc.generated_at, score=doc.score, open=dict(doc.severity_counts))
    if newest_report is None:
        return ChangesDoc(branch=branch, previous=None, new=[], fixed=[], trend=[current])
    before = {f.id: f for f in open_findings(newest_report)}
    now = {f.id: f for f in open_findings(doc.model_dump(mode="json"))}
    still_found = {f.id for c in doc.controls for f in c.findings if f.outcome == Outcome.NEGATIVE}
    return ChangesDoc(branch=branch, previous=points[-1],
                      new=[f for i, f in now.items() if i not in before],
                      fixed=[f for i, f in before.items() if i not in still_found],
                      trend=[*points, current])


def open_findings(report: Mapping[str, Any]) -> Iterable[FindingChangeDoc]:
    """The open findings of a stored report (read leniently: old reports may lack newer fields)."""
    for control in report.get("controls", []):
        for finding in control.get("findings", []):
            if finding.get("outcome") == Outcome.NEGATIVE.value and finding.get("state") == "open":
                location = finding.get("location")
                yield FindingChangeDoc(id=finding["id"], control=control.get("id", finding.get("control", "")),
                                       severity=Severity(finding["severity"]), message=finding.get("message", ""),
                                       location=LocationDoc(**location) if location else None)


def _counts(raw: Mapping[str, int]) -> dict[Severity, int]:
    return {Severity(k): int(v) for k, v in raw.items() if k in Severity._value2member_map_}


def sparkline(values: Iterable[float | None], low: float = 0.0, high: float = 10.0) -> str:
    """Unicode block characters for a series (scores 0-10 by default); a gap for a missing value."""
    blocks = "▁▂▃▄▅▆▇█"
    span = (high - low) or 1.0
    return "".join(" " if v is None else blocks[min(len(blocks) - 1, max(0, int((v - low) / span * len(blocks))))]
                   for v in values)
