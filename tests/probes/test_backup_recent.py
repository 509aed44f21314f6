"""DS-5: the newest verified backup is within the plan's maximum age."""

from pathlib import Path

import pytest

from secplan.data.backup.evidence import BACKUPS, BackupEvidence, Run

from .cases import NA, Case, N, P, at, days_ago

FILES = {"data/train.csv": "a\n1\n"}
PLAN = {"policy": {"backup": {"repository": "/srv/backups", "max_age_days": 7}}}


def verify(outcome: str, snapshot_day, started_day, **details) -> Run:
    if snapshot_day is not None:
        details.setdefault("latest_snapshot_time", at(snapshot_day).isoformat())
    return Run("verify", outcome, at(started_day), "ab12cd34", details)


def backups(*runs: Run) -> BackupEvidence:
    return BackupEvidence("/srv/backups", runs)


CASES = [
    Case("backup-recent", "verified two days ago", (P,), files=FILES, plan=PLAN,
         evidence={BACKUPS: backups(verify("success", days_ago(2), days_ago(1)))},
         says=("backup ab12cd34 of", "(2 days old, limit 7)")),
    Case("backup-recent", "newest verified backup too old", (N,), files=FILES, plan=PLAN,
         evidence={BACKUPS: backups(verify("success", days_ago(30), days_ago(29)))},
         says=("is 30 days old; the plan allows 7",)),
    Case("backup-recent", "last verification failed", (N,), files=FILES, plan=PLAN,
         evidence={BACKUPS: backups(verify("success", days_ago(2), days_ago(2)),
                                    verify("failure", None, days_ago(1), errors="pack 3 unreadable"))},
         says=("failed: pack 3 unreadable",)),
    Case("backup-recent", "never verified", (N,), files=FILES, plan=PLAN,
         evidence={BACKUPS: backups()}, says=("no verified backup is recorded",)),
    Case("backup-recent", "no repository: backup-configured reports it", (NA,), files=FILES,
         evidence={BACKUPS: backups()}),
]


@pytest.mark.parametrize("case", CASES, ids=str)
def test_case(case: Case, project_dir: Path) -> None:
    case.check(project_dir)
