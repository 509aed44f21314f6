"""HS-3: serious incidents are reported within the EU AI Act Art. 73 deadline."""

from pathlib import Path

import pytest

from .cases import NE, Case, N, P
from .humanhelpers import incident, records


def clock(state: str, days_left: int = 3) -> dict:
    return {"state": state, "deadline": "2026-11-16T09:00:00+00:00", "days_left": days_left}


CASES = [
    Case("incident-deadlines", "reported in time, one still within its window", (P, P),
         evidence=records(incidents=[incident(1, clock=clock("reported")), incident(2, clock=clock("open", 5))]),
         says=("reported before the Art. 73 deadline 2026-11-16", "(5 days left)")),
    Case("incident-deadlines", "no serious incident", (P,), evidence=records(incidents=[incident(1)]),
         says=("1 incident(s) recorded, none marked serious under Art. 73",)),
    Case("incident-deadlines", "report overdue", (N,), evidence=records(incidents=[incident(3, clock=clock("overdue"))]),
         says=("Art. 73 report overdue since 2026-11-16",)),
    Case("incident-deadlines", "reported late", (N,), evidence=records(incidents=[incident(4, clock=clock("late"))]),
         says=("reported after the Art. 73 deadline",)),
    Case("incident-deadlines", "drills do not count", (NE,), evidence=records(incidents=[incident(5, drill=True)])),
]


@pytest.mark.parametrize("case", CASES, ids=str)
def test_case(case: Case, project_dir: Path) -> None:
    case.check(project_dir)
