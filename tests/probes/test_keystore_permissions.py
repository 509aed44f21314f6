import os

import pytest

from secplan.crypto.evidence import KEYS
from secplan.vocabulary import Outcome

from .cases import NA, Case, N, P
from .helpers import make_project, negatives, outcomes, run_probe
from .keyhelpers import key, keys_evidence, project_keys

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


CASES = [
    Case(ID, "owner only", (P,), evidence={KEYS: keys_evidence(key("ds"))},
         says=("readable and writable by its owner only",)),
    Case(ID, "world-readable keystore", (N,), evidence={KEYS: keys_evidence(key("ds"), file_mode=0o644)},
         says=("keystore mode is -rw-r--r--: other users can read it",)),
    Case(ID, "group-writable folder", (N,), evidence={KEYS: keys_evidence(key("ds"), dir_mode=0o775)},
         says=("other users can replace the keystore",)),
    Case(ID, "no keystore", (NA,), evidence={KEYS: keys_evidence(exists=False)}),
]


@pytest.mark.parametrize("case", CASES, ids=str)
def test_case(case: Case, project_dir) -> None:
    case.check(project_dir)
