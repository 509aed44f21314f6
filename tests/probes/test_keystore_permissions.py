import os

from secplan.vocabulary import Outcome

from .helpers import make_project, negatives, outcomes, run_probe
from .keyhelpers import project_keys

ID = "keystore-permissions"


def test_private_keystore_passes_then_loose_modes_fail(project_dir, monkeypatch):
    make_project(project_dir)
    keys = project_keys(project_dir, monkeypatch)
    keys.create("ds")
    assert outcomes(run_probe(ID, project_dir)) == [Outcome.POSITIVE]
    os.chmod(keys.keystore.path, 0o644)
    found = negatives(run_probe(ID, project_dir))
    assert [r.key for r in found] == ["file"] and "read" in found[0].message
    assert found[0].location.path == ".secplan/keys/keystore.json"
    os.chmod(keys.keystore.path.parent, 0o777)
    assert sorted(r.key for r in negatives(run_probe(ID, project_dir))) == ["file", "folder"]


def test_no_keystore(project_dir):
    make_project(project_dir)
    assert outcomes(run_probe(ID, project_dir)) == [Outcome.NOT_APPLICABLE]
