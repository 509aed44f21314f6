import datetime as dt

import pytest

from secplan.vocabulary import Outcome

from .cases import NA, Case, N, P
from .helpers import make_project, outcomes, run_probe

ID = "waivers-current"


def test_expired_waiver_is_negative(project_dir):
    waivers = [{"target": "PS-2", "reason": "r", "approver": "a", "expires": "2026-01-31"},
               {"target": "DS-1", "reason": "r", "approver": "a", "expires": "2027-01-31"}]
    make_project(project_dir, {}, waivers=waivers)
    assert outcomes(run_probe(ID, project_dir, today=dt.date(2026, 6, 1))) == [Outcome.NEGATIVE, Outcome.POSITIVE]


def test_no_waivers(project_dir):
    make_project(project_dir, {})
    assert outcomes(run_probe(ID, project_dir)) == [Outcome.NOT_APPLICABLE]


def waiver(target: str, expires: str) -> dict:
    return {"target": target, "reason": "fix planned", "approver": "ciso@example.com", "expires": expires}


CASES = [
    Case(ID, "a current waiver", (P,), plan={"waivers": [waiver("PS-2", "2027-01-31")]},
         says=("waiver for PS-2 is current until 2027-01-31",)),
    Case(ID, "an expired waiver", (N, P), plan={"waivers": [waiver("PS-2", "2026-01-31"), waiver("DS-1", "2027-01-31")]},
         says=("waiver for PS-2 expired on 2026-01-31 (approved by ciso@example.com)",)),
    Case(ID, "no waivers", (NA,)),
]


@pytest.mark.parametrize("case", CASES, ids=str)
def test_case(case: Case, project_dir) -> None:
    results = case.check(project_dir)
    if case.fails:
        assert results[0].location.member == "waivers[PS-2]"
