import pytest

from secplan.vocabulary import Outcome

from .cases import NA, Case, N, P
from .helpers import make_project, negatives, outcomes, run_probe

ID = "dataset-unclassified"


def test_declared_classification_passes_and_discovered_dataset_fails(project_dir):
    make_project(project_dir, {"a.csv": "x\n", "b.parquet": b"PAR1\x00\x00"},
                 assets=[{"path": "a.csv", "classification": "internal"}])
    results = run_probe(ID, project_dir)
    assert [r.location.path for r in negatives(results)] == ["b.parquet"]
    assert [r.location.path for r in results if r.outcome == Outcome.POSITIVE] == ["a.csv"]


def test_no_datasets(project_dir):
    make_project(project_dir, {"x.py": "pass\n"})
    assert outcomes(run_probe(ID, project_dir)) == [Outcome.NOT_APPLICABLE]


CASES = [
    Case(ID, "declared classification", (P,), files={"d.csv": "a\n1\n"},
         plan={"assets": [{"path": "d.csv", "classification": "internal"}]}, says=("classified internal",)),
    Case(ID, "discovered dataset without one", (P, N), files={"d.csv": "a\n1\n", "e.parquet": b"PAR1\0\0PAR1"},
         plan={"assets": [{"path": "d.csv", "classification": "internal"}]},
         says=("dataset has no declared classification",)),
    Case(ID, "no datasets", (NA,), files={"a.py": "pass\n"}),
]


@pytest.mark.parametrize("case", CASES, ids=str)
def test_case(case: Case, project_dir) -> None:
    case.check(project_dir)
