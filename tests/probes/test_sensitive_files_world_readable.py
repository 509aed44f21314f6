import pytest

from secplan.vocabulary import Outcome

from .cases import NE, Case, N, P
from .helpers import chmod, make_project, negatives, outcomes, run_probe

ID = "sensitive-files-world-readable"


def test_world_readable_restricted_file_is_negative(project_dir):
    make_project(project_dir, {"d.csv": "a\n1\n", "e.csv": "a\n2\n"},
                 assets=[{"path": "d.csv", "classification": "restricted"},
                         {"path": "e.csv", "classification": "confidential"}])
    chmod(project_dir, "d.csv", 0o644)
    chmod(project_dir, "e.csv", 0o640)
    results = run_probe(ID, project_dir)
    assert [r.location.path for r in negatives(results)] == ["d.csv"]
    assert "-rw-r--r--" in negatives(results)[0].message
    assert [r.location.path for r in results if r.outcome == Outcome.POSITIVE] == ["e.csv"]


def test_directory_asset_checks_every_file(project_dir):
    make_project(project_dir, {"data/x/1.csv": "a\n", "data/x/2.csv": "b\n"},
                 assets=[{"path": "data/x", "kind": "dataset", "classification": "confidential"}])
    chmod(project_dir, "data/x/1.csv", 0o600)
    chmod(project_dir, "data/x/2.csv", 0o604)
    assert [r.location.path for r in negatives(run_probe(ID, project_dir))] == ["data/x/2.csv"]


def test_nothing_sensitive_is_no_evidence(project_dir):
    make_project(project_dir, {"d.csv": "a\n"}, assets=[{"path": "d.csv", "classification": "public"}])
    assert outcomes(run_probe(ID, project_dir)) == [Outcome.NO_EVIDENCE]


RESTRICTED = {"assets": [{"path": "data/a.csv", "classification": "restricted"}]}


def mode(rel: str, bits: int):
    return lambda root: chmod(root, rel, bits)


CASES = [
    Case(ID, "owner-only restricted file", (P,), files={"data/a.csv": "x\n"}, plan=RESTRICTED,
         setup=mode("data/a.csv", 0o600), says=("restricted dataset is not accessible to other users",)),
    Case(ID, "world-readable restricted file", (N,), files={"data/a.csv": "x\n"}, plan=RESTRICTED,
         setup=mode("data/a.csv", 0o644), says=("readable by all users (mode -rw-r--r--)",)),
    Case(ID, "nothing classified", (NE,), files={"data/a.csv": "x\n"}),
]


@pytest.mark.parametrize("case", CASES, ids=str)
def test_case(case: Case, project_dir) -> None:
    case.check(project_dir)
