import datetime as dt
import os

import pytest

from secplan.vocabulary import Outcome

from .cases import NA, Case, N, P, at, days_ago
from .helpers import make_project, outcomes, run_probe

ID = "retention-defined"


def test_retention_from_asset_or_policy_and_expiry(project_dir):
    make_project(project_dir, {"a.csv": "x\n", "b.csv": "x\n", "c.csv": "x\n"}, assets=[
        {"path": "a.csv", "retention_days": 30},
        {"path": "b.csv", "classification": "restricted"},
        {"path": "c.csv", "classification": "internal"},
    ], policy={"retention": {"days_by_classification": {"restricted": 365}}})
    old = (dt.datetime.now() - dt.timedelta(days=100)).timestamp()
    os.utime(project_dir / "a.csv", (old, old))
    results = {r.location.path: r for r in run_probe(ID, project_dir)}
    assert results["a.csv"].outcome == Outcome.NEGATIVE and "past its retention" in results["a.csv"].message
    assert results["b.csv"].outcome == Outcome.POSITIVE
    assert results["c.csv"].outcome == Outcome.NEGATIVE and "no retention" in results["c.csv"].message


def test_no_datasets(project_dir):
    make_project(project_dir, {})
    assert outcomes(run_probe(ID, project_dir)) == [Outcome.NOT_APPLICABLE]


def modified_days_ago(rel: str, n: int):
    def setup(root) -> None:
        when = at(days_ago(n)).timestamp()
        os.utime(root / rel, (when, when))
    return setup


CASES = [
    Case(ID, "a period from the asset", (P,), files={"a.csv": "x\n"}, plan={"assets": [{"path": "a.csv",
                                                                                  "retention_days": 30}]},
         setup=modified_days_ago("a.csv", 10), says=("retention 30 days, 10 days old",)),
    Case(ID, "a period from the classification policy", (P,), files={"a.csv": "x\n"},
         plan={"assets": [{"path": "a.csv", "classification": "confidential"}],
               "policy": {"retention": {"days_by_classification": {"confidential": 365}}}},
         setup=modified_days_ago("a.csv", 5)),
    Case(ID, "kept past its period", (N,), files={"a.csv": "x\n"},
         plan={"assets": [{"path": "a.csv", "retention_days": 30}]}, setup=modified_days_ago("a.csv", 45),
         says=("kept 45 days, past its retention of 30 days",)),
    Case(ID, "no period", (N,), files={"a.csv": "x\n"}, says=("no retention period",)),
    Case(ID, "no datasets", (NA,), files={"a.py": "pass\n"}),
]


@pytest.mark.parametrize("case", CASES, ids=str)
def test_case(case: Case, project_dir) -> None:
    case.check(project_dir)
