"""The ``retention`` evidence: the retention engine's schedule and the deletions the ledger evidences."""

from __future__ import annotations

from secplan.assess.evidence import Evidence, collector
from secplan.compliance.retention.evidence import RETENTION, RetentionEvidence
from secplan.compliance.retention.schedule import schedule


@collector(RETENTION)
def collect_retention(ev: Evidence) -> RetentionEvidence:
    sched = schedule(ev.root, ev.plan, ev.today, ev.files)
    deletions = shreds = 0
    if ev.has_store:
        from secplan.ledger.query import find

        entries = find(ev.store, action="retention.")
        deletions = sum(1 for e in entries if e.action == "retention.delete" and e.outcome == "success")
        shreds = sum(1 for e in entries if e.action == "retention.shred" and e.outcome == "success")
    return RetentionEvidence(sched, deletions, shreds)
