"""MS-6: the model scanner found nothing in an artifact that runs code when it is loaded."""

from pathlib import Path

import pytest

from secplan.model.scan.evidence import MODEL_SCAN, ModelScanEvidence
from secplan.model.scan.result import FileResult, Finding, Verdict
from secplan.vocabulary import Severity

from .cases import NA, NE, Case, N, P


def scanned(*results: FileResult) -> ModelScanEvidence:
    return ModelScanEvidence({r.path: r for r in results})


SAFE = FileResult("models/m.safetensors", "safetensors")
EVIL = FileResult("models/m.pkl", "pickle", [
    Finding("pickle-dangerous-global", Verdict.UNSAFE, "imports os.system", member="data.pkl", symbol="os.system"),
    Finding("pickle-unknown-global", Verdict.SUSPICIOUS, "imports mylib.Model", symbol="mylib.Model")])
ODD = FileResult("models/m.bin", "unknown")

CASES = [
    Case("model-artifact-unsafe", "a data-only artifact", (P,), evidence={MODEL_SCAN: scanned(SAFE)},
         says=("safetensors artifact scanned: nothing in it runs code on load",)),
    Case("model-artifact-unsafe", "a pickle importing os.system", (P, N), evidence={MODEL_SCAN: scanned(SAFE, EVIL)},
         says=("unsafe pickle artifact: imports os.system",)),
    Case("model-artifact-unsafe", "a format the scanner does not know", (NE,), evidence={MODEL_SCAN: scanned(ODD)}),
    Case("model-artifact-unsafe", "no artifacts", (NA,), evidence={MODEL_SCAN: scanned()}),
]


@pytest.mark.parametrize("case", CASES, ids=str)
def test_case(case: Case, project_dir: Path) -> None:
    results = case.check(project_dir)
    if case.name == "a pickle importing os.system":
        bad = results[1]
        assert bad.severity is Severity.CRITICAL and bad.location.member == "data.pkl"
        assert bad.details["rule"] == "pickle-dangerous-global" and len(bad.details["findings"]) == 2
