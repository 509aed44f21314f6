"""DS-4: the classification detected in a dataset is not above the one the plan declares."""

from pathlib import Path

import pytest

from secplan.data.classify.evidence import DATA_CLASSIFICATION, ClassificationEvidence
from secplan.vocabulary import Severity

from .cases import NA, NE, Case, N, P

FILES = {"data/train.csv": "id,email\n1,a@example.com\n", "data/public.csv": "id,x\n1,2\n"}
DECLARED = {"assets": [{"path": "data/train.csv", "classification": "internal"},
                       {"path": "data/public.csv", "classification": "public"}]}


def detected(**levels: str) -> ClassificationEvidence:
    paths = {k.replace("__", "/").replace("_csv", ".csv"): v for k, v in levels.items()}
    return ClassificationEvidence(levels=paths, entities={p: ["email"] for p, v in paths.items() if v != "public"})


CASES = [
    Case("dataset-classification-exceeds-declared", "detected within declared", (P, P),
         files=FILES, plan=DECLARED,
         evidence={DATA_CLASSIFICATION: detected(data__train_csv="internal", data__public_csv="public")},
         says=("detected internal (email) is within the declared internal",)),
    Case("dataset-classification-exceeds-declared", "email in a dataset declared internal", (N, P),
         files=FILES, plan=DECLARED,
         evidence={DATA_CLASSIFICATION: detected(data__train_csv="confidential", data__public_csv="public")},
         says=("declared internal but holds confidential data (email)",)),
    Case("dataset-classification-exceeds-declared", "undeclared dataset holding restricted data", (N,),
         files={"d.csv": "ssn\n123-45-6789\n"},
         evidence={DATA_CLASSIFICATION: ClassificationEvidence(levels={"d.csv": "restricted"},
                                                              entities={"d.csv": ["us_ssn"]})},
         says=("undeclared dataset holds restricted data (us_ssn)",)),
    Case("dataset-classification-exceeds-declared", "unreadable dataset", (NE,),
         files={"d.csv": "x\n"},
         evidence={DATA_CLASSIFICATION: ClassificationEvidence(errors={"d.csv": "bad header"})},
         says=("could not classify: d.csv: bad header",)),
    Case("dataset-classification-exceeds-declared", "no datasets", (NA,), files={"a.py": "pass\n"},
         evidence={DATA_CLASSIFICATION: ClassificationEvidence()}),
]


@pytest.mark.parametrize("case", CASES, ids=str)
def test_case(case: Case, project_dir: Path) -> None:
    results = case.check(project_dir)
    if case.name == "undeclared dataset holding restricted data":
        assert results[0].severity is Severity.HIGH
