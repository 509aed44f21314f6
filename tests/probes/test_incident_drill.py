"""HS-3: an incident-response drill was run within the plan's cadence."""

from pathlib import Path

import pytest

from .cases import NE, Case, N, P
from .humanhelpers import incident, records

CADENCE = {"policy": {"incidents": {"drill_every_days": 180}}}

CASES = [
    Case("incident-drill", "drill last month", (P,), plan=CADENCE,
         evidence=records(incidents=[incident(1, "model-extraction", drill=True, opened="2026-11-01T09:00:00+00:00")]),
         says=("last drill (model-extraction) 30 day(s) ago (cadence 180 days)",)),
    Case("incident-drill", "last drill too long ago", (N,), plan=CADENCE,
         evidence=records(incidents=[incident(1, drill=True, opened="2026-01-05T09:00:00+00:00")]),
         says=("was 330 days ago; the plan asks for one every 180 days",)),
    Case("incident-drill", "real incidents are not drills", (NE,), evidence=records(incidents=[incident(1)])),
]


@pytest.mark.parametrize("case", CASES, ids=str)
def test_case(case: Case, project_dir: Path) -> None:
    case.check(project_dir)
