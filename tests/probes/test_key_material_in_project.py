import json

from secplan.vocabulary import Outcome, Severity

from .helpers import make_project, negatives, outcomes, run_probe
from .keyhelpers import keys_at, project_keys

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
