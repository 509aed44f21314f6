import datetime as dt

from secplan.vocabulary import Outcome

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
