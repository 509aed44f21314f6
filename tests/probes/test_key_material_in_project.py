import json

import pytest

from secplan.crypto.evidence import KEYS
from secplan.vocabulary import Outcome, Severity

from .cases import NA, Case, N, P
from .helpers import make_project, negatives, outcomes, run_probe
from .keyhelpers import key, keys_at, keys_evidence, project_keys

ID = "key-material-in-project"


def test_key_containers_and_copied_keystores(project_dir, monkeypatch):
    make_project(project_dir, {
        "data/train.csv": "a,b\n1,2\n",
        "data/keys/backup.p12": b"\x30\x82\x01\x00",
        "data/jwk.json": json.dumps({"kty": "OKP", "crv": "Ed25519", "x": "abc", "d": "secret"}),
        "data/public.json": json.dumps({"kty": "OKP", "crv": "Ed25519", "x": "abc"}),
        "config.json": json.dumps({"a": 1}),
        ".gitignore": ".secplan/\n",
    })
    keys = project_keys(project_dir, monkeypatch)
    keys.create("ds")
    (project_dir / "data" / "copy-of-keystore.json").write_bytes(keys.keystore.path.read_bytes())
    found = negatives(run_probe(ID, project_dir))
    assert sorted(r.location.path for r in found) == ["data/copy-of-keystore.json", "data/jwk.json",
                                                      "data/keys/backup.p12"]
    assert all("secret" not in r.message for r in found)


def test_project_keystore_not_git_ignored(project_dir, monkeypatch):
    make_project(project_dir, {"data/train.csv": "a\n1\n"})
    project_keys(project_dir, monkeypatch).create("ds")
    found = negatives(run_probe(ID, project_dir))
    assert [(r.key, r.severity) for r in found] == [("project-keystore", Severity.MEDIUM)]
    (project_dir / ".gitignore").write_text("*.pyc\n.secplan\n")
    assert outcomes(run_probe(ID, project_dir)) == [Outcome.POSITIVE]


def test_keystore_outside_the_project(project_dir, tmp_path, monkeypatch):
    make_project(project_dir, {"data/train.csv": "a\n1\n"})
    project_keys(project_dir, monkeypatch)
    monkeypatch.setenv("SECPLAN_KEYSTORE", str(tmp_path / "elsewhere" / "keystore.json"))
    keys_at(tmp_path / "elsewhere" / "keystore.json").create("ds")
    assert outcomes(run_probe(ID, project_dir)) == [Outcome.POSITIVE]


def test_nothing_to_judge(project_dir):
    make_project(project_dir, {"data/train.csv": "a\n1\n"})
    assert outcomes(run_probe(ID, project_dir)) == [Outcome.NOT_APPLICABLE]


CASES = [
    Case(ID, "keys in a keystore outside the project", (P,), files={"a.py": "pass\n"},
         evidence={KEYS: keys_evidence(key("ds"), key("hsm", provider="pkcs11"), in_project=False)},
         says=("2 managed key version(s) on local, pkcs11",)),
    Case(ID, "project keystore excluded by .gitignore", (P,), files={".gitignore": ".secplan/\n"},
         evidence={KEYS: keys_evidence(key("ds"))}),
    Case(ID, "project keystore not ignored", (N,), files={"a.py": "pass\n"},
         evidence={KEYS: keys_evidence(key("ds"))}, says=("and .gitignore does not exclude .secplan",)),
    Case(ID, "a Java key container among the files", (N,), files={"certs/app.p12": b"\x30\x82"},
         evidence={KEYS: keys_evidence(in_project=False)}, says=("p12 key container stored in the project tree",)),
    Case(ID, "a private JWK among the files", (N,), files={"conf/signing.json": '{"kty": "OKP", "d": "x"}'},
         evidence={KEYS: keys_evidence(in_project=False)}, says=("private JWK",)),
    Case(ID, "no keys at all", (NA,), files={"a.py": "pass\n"}, evidence={KEYS: keys_evidence(exists=False)}),
]


@pytest.mark.parametrize("case", CASES, ids=str)
def test_case(case: Case, project_dir) -> None:
    case.check(project_dir)
