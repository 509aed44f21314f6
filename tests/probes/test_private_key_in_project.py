from secplan.vocabulary import Outcome

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
