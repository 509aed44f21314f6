"""DS-6: confidential data used for training or shared has a valid anonymisation policy."""

from pathlib import Path

import pytest

from secplan.data.classify.evidence import DATA_CLASSIFICATION, ClassificationEvidence

from .cases import NA, Case, N, P

POLICY = "columns: {email: {op: pseudonymize}, age: {op: generalize, kind: age}}\nquasi_identifiers: [age]\nk: 5\n"
DATA = "id,email,age\n1,a@example.com,41\n"


def training(path: str = "data/train.csv", **asset) -> dict:
    return {"assets": [{"path": path, "uses": ["training"], "classification": "confidential", **asset}]}


CASES = [
    Case("anonymisation-policy-missing", "policy beside the dataset", (P,),
         files={"data/train.csv": DATA, "data/train.csv.anonymize.yaml": POLICY}, plan=training(),
         says=("anonymisation policy data/train.csv.anonymize.yaml covers the dataset",)),
    Case("anonymisation-policy-missing", "policy under .secplan/policies", (P,),
         files={"data/train.csv": DATA, ".secplan/policies/data/train.csv.anonymize.yaml": POLICY}, plan=training()),
    Case("anonymisation-policy-missing", "declared anonymised", (P,), files={"data/train.csv": DATA},
         plan=training(anonymised=True), says=("the plan declares the dataset anonymised",)),
    Case("anonymisation-policy-missing", "no policy", (N,), files={"data/train.csv": DATA}, plan=training(),
         says=("confidential data used for training has no anonymisation policy",)),
    Case("anonymisation-policy-missing", "k below the plan's min_k", (N,),
         files={"data/train.csv": DATA, "data/train.csv.anonymize.yaml": POLICY.replace("k: 5", "k: 2")},
         plan={**training(), "policy": {"anonymisation": {"min_k": 5}}}, says=("targets k=2, below the plan's min_k=5",)),
    Case("anonymisation-policy-missing", "invalid policy", (N,),
         files={"data/train.csv": DATA, "data/train.csv.anonymize.yaml": "columns: {email: {op: scramble}}\n"},
         plan=training(), says=("is invalid",)),
    Case("anonymisation-policy-missing", "detected confidential in a dataset declared internal", (N,),
         files={"data/train.csv": DATA}, plan=training(classification="internal"),
         evidence={DATA_CLASSIFICATION: ClassificationEvidence(levels={"data/train.csv": "confidential"})}),
    Case("anonymisation-policy-missing", "internal training data", (NA,), files={"data/train.csv": DATA},
         plan=training(classification="internal")),
]


@pytest.mark.parametrize("case", CASES, ids=str)
def test_case(case: Case, project_dir: Path) -> None:
    case.check(project_dir)
