"""DS-7: each training dataset has a baseline profile and passes validation against it."""

from pathlib import Path

import pytest

from secplan.data.validate.evidence import DATA_VALIDATION, DatasetValidation, ValidationEvidence
from secplan.data.validate.findings import Finding
from secplan.vocabulary import Severity

from .cases import NA, NE, Case, N, P


def validated(*datasets: DatasetValidation) -> ValidationEvidence:
    return ValidationEvidence({d.path: d for d in datasets})


BASE = "data/train.csv.profile.json"
LOW = Finding("nulls", Severity.LOW, "2% nulls in age", column="age")
DRIFT = Finding("drift", Severity.HIGH, "amount drifted (PSI 0.4)", column="amount", details={"psi": 0.4})

CASES = [
    Case("training-data-validation", "validated, only low findings", (P,),
         evidence={DATA_VALIDATION: validated(DatasetValidation("data/train.csv", BASE, [LOW]))},
         says=("validated against data/train.csv.profile.json: 1 findings below high",)),
    Case("training-data-validation", "a high finding", (N,),
         evidence={DATA_VALIDATION: validated(DatasetValidation("data/train.csv", BASE, [LOW, DRIFT]))},
         says=("drift: amount drifted (PSI 0.4)",)),
    Case("training-data-validation", "no baseline profile", (N,),
         evidence={DATA_VALIDATION: validated(DatasetValidation("data/train.csv", None))},
         says=("training dataset has no baseline profile",)),
    Case("training-data-validation", "could not be validated", (N,),
         evidence={DATA_VALIDATION: validated(DatasetValidation("data/train.csv", BASE, error="no column id"))},
         says=("could not be validated: no column id",)),
    Case("training-data-validation", "skipped", (NE,),
         evidence={DATA_VALIDATION: validated(DatasetValidation("data/train.csv", BASE, skipped="too large"))}),
    Case("training-data-validation", "no training dataset", (NA,), evidence={DATA_VALIDATION: ValidationEvidence()}),
]


@pytest.mark.parametrize("case", CASES, ids=str)
def test_case(case: Case, project_dir: Path) -> None:
    results = case.check(project_dir)
    if case.name == "a high finding":
        assert results[0].location.member == "amount" and results[0].severity is Severity.HIGH
