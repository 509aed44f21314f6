"""CS-3: no file of a declared asset is kept past its retention period."""

from pathlib import Path

import pytest

from secplan.compliance.retention.evidence import RETENTION, RetentionEvidence
from secplan.compliance.retention.schedule import Due, Schedule

from .cases import NA, TODAY, Case, N, P, days_ago

OLD = Due("data/2024.csv", "data/", 365, "classification:confidential", days_ago(500), 500, 10, False)


def retention(*due: Due, within: int = 0, deletions: int = 0, shreds: int = 0) -> dict:
    return {RETENTION: RetentionEvidence(Schedule(TODAY, due, within), deletions, shreds)}


CASES = [
    Case("retention-overdue", "within retention, deletions evidenced", (P,),
         evidence=retention(within=4, deletions=2, shreds=1),
         says=("4 file(s) within retention; the ledger evidences 2 deletion(s) and 1 crypto-shred(s)",)),
    Case("retention-overdue", "a file past its period", (N,), evidence=retention(OLD, within=3),
         says=("kept 500 days, 135 past its retention of 365 days (classification:confidential)",)),
    Case("retention-overdue", "no retention periods", (NA,), evidence=retention()),
]


@pytest.mark.parametrize("case", CASES, ids=str)
def test_case(case: Case, project_dir: Path) -> None:
    results = case.check(project_dir)
    if case.fails:
        assert results[0].location.path == "data/2024.csv"
