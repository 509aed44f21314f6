import pytest

from secplan.crypto.evidence import KEYS
from secplan.vocabulary import Outcome
from tests.crypto.softhsm import softhsm_token

from .cases import NA, Case, P
from .helpers import make_project, outcomes, run_probe
from .keyhelpers import key, keys_evidence, project_keys

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


CASES = [
    Case(ID, "a key in a PKCS#11 token", (P,), evidence={KEYS: keys_evidence(key("sign", "pkcs11", token="ml-hsm"))},
         says=("is held in PKCS#11 token 'ml-hsm'",)),
    # Never negative on purpose: software keys are no evidence either way (tamper-protection-attested asks
    # for hardware evidence); the worst this probe says is that no key is in an HSM.
    Case(ID, "software keys only", (NA,), evidence={KEYS: keys_evidence(key("ds"))},
         says=("1 active key(s) on local, none in an HSM",)),
    Case(ID, "no managed keys", (NA,), evidence={KEYS: keys_evidence(exists=False)}),
]


@pytest.mark.parametrize("case", CASES, ids=str)
def test_case(case: Case, project_dir) -> None:
    case.check(project_dir)
