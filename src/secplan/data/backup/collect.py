"""The ``backups`` evidence: the recorded verify and drill runs of the plan's repository."""

from __future__ import annotations

import json

from sqlalchemy import select

from secplan.assess.evidence import Evidence, collector
from secplan.assess.interface import Result, not_applicable
from secplan.data.backup.evidence import BACKUPS, BackupEvidence, Run
from secplan.data.backup.records import BackupRunRow
from secplan.data.backup.restic import resolve_repository


@collector(BACKUPS)
def collect_backups(ev: Evidence) -> BackupEvidence:
    declared = ev.plan.policy.backup.repository
    if not declared or not ev.has_store:
        return BackupEvidence(None if not declared else resolve_repository(declared, ev.root), ())
    from secplan.projects import project_of

    repository = resolve_repository(declared, ev.root)
    with ev.store.session() as session:
        rows = session.scalars(select(BackupRunRow).where(
            BackupRunRow.project_id == project_of(ev.store).id, BackupRunRow.repository == repository,
            BackupRunRow.kind.in_(("verify", "drill"))).order_by(BackupRunRow.started, BackupRunRow.id)).all()
        runs = tuple(Run(r.kind, r.outcome, r.started, r.snapshot, json.loads(r.details)) for r in rows)
    return BackupEvidence(repository, runs)


def nothing_to_judge(ev: Evidence) -> Result | None:
    """Why the backup probes have nothing to judge (no data, or no repository: `backup-configured`
    reports that one), or None when they do."""
    from secplan.vocabulary import AssetKind

    if not ev.assets_of(AssetKind.DATASET, AssetKind.MODEL, AssetKind.ENCRYPTED):
        return not_applicable("the project has no datasets or model artifacts to back up")
    if not ev.plan.policy.backup.repository:
        return not_applicable("no backup repository is declared (backup-configured reports it)")
    return None
