from secplan.vocabulary import Outcome
from tests.crypto.softhsm import softhsm_token

from .helpers import make_project, outcomes, run_probe
from .keyhelpers import project_keys

ID = "hsm-backed-keys"


def test_software_keys_leave_the_verdict_to_attestations(project_dir, monkeypatch):
    make_project(project_dir)
    project_keys(project_dir, monkeypatch).create("ds")
    assert outcomes(run_probe(ID, project_dir)) == [Outcome.NOT_APPLICABLE]


def test_pkcs11_key_is_positive_evidence(project_dir, monkeypatch):
    token = softhsm_token(monkeypatch)
    make_project(project_dir)
    keys = project_keys(project_dir, monkeypatch)
    keys.create("ds")
    keys.create("hsm", provider="pkcs11")
    results = run_probe(ID, project_dir)
    assert [(r.outcome, r.key) for r in results] == [(Outcome.POSITIVE, "hsm@v1")]
    assert token in results[0].message


def test_no_keys(project_dir):
    make_project(project_dir)
    assert outcomes(run_probe(ID, project_dir)) == [Outcome.NOT_APPLICABLE]
