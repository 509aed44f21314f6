import pytest

from secplan.vocabulary import Outcome

from .cases import NA, Case, N
from .helpers import make_project, negatives, outcomes, run_probe

ID = "private-key-in-project"
PEM = "-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA\n-----END RSA PRIVATE KEY-----\n"


def test_pem_key_is_found_with_its_line_and_never_echoed(project_dir):
    make_project(project_dir, {"deploy/key.txt": "notes\n" + PEM, "ok.py": "x = 1\n"})
    found = negatives(run_probe(ID, project_dir))
    assert [(r.location.path, r.location.line) for r in found] == [("deploy/key.txt", 2)]
    assert "MIIE" not in found[0].message


def test_public_key_is_not_a_finding(project_dir):
    make_project(project_dir, {"id.pub": "-----BEGIN PUBLIC KEY-----\nMFkw\n-----END PUBLIC KEY-----\n"})
    assert outcomes(run_probe(ID, project_dir)) == [Outcome.NOT_APPLICABLE]


KEY_PEM = "-----BEGIN " + "PRIVATE KEY-----\nMIIEvQIBADANBg\n-----END " + "PRIVATE KEY-----\n"

CASES = [
    # No positive on purpose: an absence of key files is not evidence of key management (DS-2's other probes).
    Case(ID, "no private key material", (NA,), files={"certs/server.pub": "ssh-ed25519 AAAAC3 user@host\n"}),
    Case(ID, "a KEY_PEM private key in the tree", (N,), files={"deploy/id.pem": "# key\n" + KEY_PEM},
         says=("private key material in the project",)),
    Case(ID, "a PuTTY key", (N,), files={"keys/admin.ppk": "PuTTY-User-Key-File-3: ssh-ed25519\n"}),
]


@pytest.mark.parametrize("case", CASES, ids=str)
def test_case(case: Case, project_dir) -> None:
    results = case.check(project_dir)
    if case.name == "a KEY_PEM private key in the tree":
        assert results[0].location.line == 2 and "MIIEvQ" not in results[0].message
