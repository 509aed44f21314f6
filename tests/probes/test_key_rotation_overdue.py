import datetime as dt

from secplan.vocabulary import Outcome

from .helpers import make_project, outcomes, run_probe
from .keyhelpers import project_keys

ID = "key-rotation-overdue"


def test_young_key_passes_old_key_fails(project_dir, monkeypatch):
    make_project(project_dir, policy={"keys": {"rotate_every_days": 90}})
    keys = project_keys(project_dir, monkeypatch)
    keys.create("ds")
    assert outcomes(run_probe(ID, project_dir)) == [Outcome.POSITIVE]
    later = run_probe(ID, project_dir, today=dt.date.today() + dt.timedelta(days=120))
    assert outcomes(later) == [Outcome.NEGATIVE]
    assert "ds@v1" in later[0].message and "90 days" in later[0].message


def test_rotation_clears_the_finding(project_dir, monkeypatch):
    make_project(project_dir, policy={"keys": {"rotate_every_days": 30}})
    keys = project_keys(project_dir, monkeypatch)
    keys.create("ds")
    keys.rotate("ds")  # v1 retired, v2 active: only the active version counts
    results = run_probe(ID, project_dir, today=dt.date.today() + dt.timedelta(days=10))
    assert [(r.outcome, r.key) for r in results] == [(Outcome.POSITIVE, "ds@v2")]


def test_no_keys(project_dir):
    make_project(project_dir)
    assert outcomes(run_probe(ID, project_dir)) == [Outcome.NOT_APPLICABLE]


def test_sensitive_data_without_any_key_needs_evidence(project_dir):
    make_project(project_dir, {"d.csv": "ssn\n1\n"}, assets=[{"path": "d.csv", "classification": "restricted"}])
    results = run_probe(ID, project_dir)
    assert outcomes(results) == [Outcome.NO_EVIDENCE] and "no managed keys" in results[0].message
