"""DS-5: a restore drill succeeded within the plan's drill interval."""

from pathlib import Path

import pytest

from secplan.data.backup.evidence import BACKUPS, BackupEvidence, Run

from .cases import NA, Case, N, P, at, days_ago

FILES = {"model.onnx": b"\x08\x01"}
PLAN = {"policy": {"backup": {"repository": "/srv/backups", "drill_every_days": 90}}}


def drill(outcome: str, day, **details) -> Run:
    return Run("drill", outcome, at(day), "ab12cd34", details)


def backups(*runs: Run) -> BackupEvidence:
    return BackupEvidence("/srv/backups", runs)


CASES = [
    Case("restore-drill-recent", "drill a month ago", (P,), files=FILES, plan=PLAN,
         evidence={BACKUPS: backups(drill("success", days_ago(30), compared=12))},
         says=("12 files restored and matched by SHA-256",)),
    Case("restore-drill-recent", "last successful drill too old", (N,), files=FILES, plan=PLAN,
         evidence={BACKUPS: backups(drill("success", days_ago(200), compared=3))},
         says=("was 200 days ago", "one every 90 days")),
    Case("restore-drill-recent", "last drill failed", (N,), files=FILES, plan=PLAN,
         evidence={BACKUPS: backups(drill("success", days_ago(60)),
                                    drill("failure", days_ago(5), problems=["model.onnx differs"]))},
         says=("failed: model.onnx differs",)),
    Case("restore-drill-recent", "never drilled", (N,), files=FILES, plan=PLAN, evidence={BACKUPS: backups()},
         says=("no restore drill is recorded",)),
    Case("restore-drill-recent", "nothing to back up", (NA,), files={"a.py": "pass\n"}, plan=PLAN,
         evidence={BACKUPS: backups()}),
]


@pytest.mark.parametrize("case", CASES, ids=str)
def test_case(case: Case, project_dir: Path) -> None:
    case.check(project_dir)
