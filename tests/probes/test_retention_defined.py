import datetime as dt
import os

from secplan.vocabulary import Outcome

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
