import pytest

from secplan.data.classify.evidence import DATA_CLASSIFICATION, ClassificationEvidence
from secplan.filetypes import ENCRYPTED_MAGIC
from secplan.vocabulary import Outcome

from .cases import NA, NE, Case, N, P
from .helpers import make_project, negatives, outcomes, run_probe

ID = "sensitive-data-in-clear"


def test_restricted_dataset_in_clear_is_negative_encrypted_is_positive(project_dir):
    make_project(project_dir, {"data/a.csv": "name,ssn\nx,1\n", "data/b.csv.enc": ENCRYPTED_MAGIC + b"\x00" * 40},
                 assets=[{"path": "data/a.csv", "classification": "restricted"},
                         {"path": "data/b.csv", "classification": "confidential"}])
    results = run_probe(ID, project_dir)
    assert [r.location.path for r in negatives(results)] == ["data/a.csv"]
    assert any(r.outcome == Outcome.POSITIVE and r.location.path == "data/b.csv" for r in results)


def test_declared_encrypted_storage_counts(project_dir):
    make_project(project_dir, {"m.pkl": b"\x80\x04N."},
                 assets=[{"path": "m.pkl", "classification": "restricted", "encrypted": True}])
    assert outcomes(run_probe(ID, project_dir)) == [Outcome.POSITIVE]


def test_unclassified_data_is_no_evidence_not_a_pass(project_dir):
    make_project(project_dir, {"data/a.csv": "x\n1\n"})
    assert outcomes(run_probe(ID, project_dir)) == [Outcome.NO_EVIDENCE]


def test_no_data_is_not_applicable(project_dir):
    make_project(project_dir, {"main.py": "print(1)\n"})
    assert outcomes(run_probe(ID, project_dir)) == [Outcome.NOT_APPLICABLE]


RESTRICTED = {"assets": [{"path": "data/a.csv", "classification": "restricted"}]}

CASES = [
    Case(ID, "restricted dataset encrypted", (P,), files={"data/a.csv.enc": ENCRYPTED_MAGIC + b"\0" * 40},
         plan=RESTRICTED, says=("restricted dataset is encrypted",)),
    Case(ID, "restricted dataset in clear", (N,), files={"data/a.csv": "name,ssn\nx,1\n"}, plan=RESTRICTED,
         says=("restricted dataset is stored in clear",)),
    Case(ID, "detected confidential, not declared, in clear", (N,), files={"data/a.csv": "email\na@b.co\n"},
         evidence={DATA_CLASSIFICATION: ClassificationEvidence(levels={"data/a.csv": "confidential"})},
         says=("confidential dataset is stored in clear",)),
    Case(ID, "nothing classified", (NE,), files={"data/a.csv": "x\n1\n"}),
    Case(ID, "no data", (NA,), files={"main.py": "print(1)\n"}),
]


@pytest.mark.parametrize("case", CASES, ids=str)
def test_case(case: Case, project_dir) -> None:
    case.check(project_dir)
