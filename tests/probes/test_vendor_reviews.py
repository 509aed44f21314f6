"""CS-6: every vendor is reviewed within the plan's cadence."""

from pathlib import Path

import pytest

from .cases import NE, Case, N, P
from .vendorhelpers import register, vendor

CADENCE = {"policy": {"vendor_review_every_days": 365}}

CASES = [
    Case("vendor-reviews", "reviewed two months ago", (P,), plan=CADENCE, evidence=register(vendor("LabelCo")),
         says=("LabelCo reviewed 61 day(s) ago",)),
    Case("vendor-reviews", "review overdue", (P, N), plan=CADENCE,
         evidence=register(vendor("LabelCo"), vendor("OldCo", last_review="2025-06-01")),
         says=("OldCo last reviewed 548 days ago (cadence 365 days)",)),
    Case("vendor-reviews", "never reviewed", (N,), plan=CADENCE, evidence=register(vendor("NewCo", last_review=None)),
         says=("NewCo has never been reviewed",)),
    Case("vendor-reviews", "no vendors", (NE,), evidence=register()),
]


@pytest.mark.parametrize("case", CASES, ids=str)
def test_case(case: Case, project_dir: Path) -> None:
    case.check(project_dir)
