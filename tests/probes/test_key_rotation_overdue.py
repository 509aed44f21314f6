import datetime as dt

import pytest

from secplan.crypto.evidence import KEYS, EncryptedFile
from secplan.vocabulary import Outcome

from .cases import NA, NE, Case, N, P
from .helpers import make_project, outcomes, run_probe
from .keyhelpers import key, keys_evidence, project_keys

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


ROTATE = {"policy": {"keys": {"rotate_every_days": 90}}}

CASES = [
    Case(ID, "young key", (P,), plan=ROTATE, evidence={KEYS: keys_evidence(key("ds", created_days_ago=30))},
         says=("key ds@v1 (local) is 30 days old (rotation every 90 days)",)),
    Case(ID, "key past its rotation", (N, P), plan=ROTATE,
         evidence={KEYS: keys_evidence(key("old", created_days_ago=120), key("new", created_days_ago=1))},
         says=("key old@v1 (local) is 120 days old; the plan rotates every 90 days",)),
    Case(ID, "retired keys are not judged", (NA,), plan=ROTATE,
         evidence={KEYS: keys_evidence(key("ds", created_days_ago=400, state="retired"))}),
    Case(ID, "encrypted files, no keystore", (NE,),
         evidence={KEYS: keys_evidence(exists=False, files=(EncryptedFile("a.enc", "ds@v1"),))}),
    Case(ID, "confidential data, no keys", (NE,), files={"d.csv": "a\n1\n"},
         plan={"assets": [{"path": "d.csv", "classification": "confidential"}]},
         evidence={KEYS: keys_evidence(exists=False)}, says=("no managed keys",)),
]


@pytest.mark.parametrize("case", CASES, ids=str)
def test_case(case: Case, project_dir) -> None:
    case.check(project_dir)
