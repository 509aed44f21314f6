"""MS-1: every model artifact is registered, unchanged since, signed, and its signature verifies."""

from pathlib import Path

import pytest

from secplan.model.registry.evidence import MODEL_REGISTRY, ArtifactStatus

from .cases import NA, Case, N, P
from .registryhelpers import registry

GOOD = ArtifactStatus("models/m.onnx", "credit@2", matches=True, signed=True, verified=True)

CASES = [
    Case("model-registered-signed", "registered, signed, verifies", (P,),
         evidence={MODEL_REGISTRY: registry((GOOD,))}, says=("registered as credit@2, signed, signature verifies",)),
    Case("model-registered-signed", "not registered", (N,),
         evidence={MODEL_REGISTRY: registry((ArtifactStatus("models/new.onnx"),))},
         says=("model artifact is not registered",)),
    Case("model-registered-signed", "changed since registration", (N,),
         evidence={MODEL_REGISTRY: registry((ArtifactStatus("models/m.onnx", "credit@2", signed=True),))},
         says=("changed since it was registered as credit@2",)),
    Case("model-registered-signed", "unsigned", (N,),
         evidence={MODEL_REGISTRY: registry((ArtifactStatus("models/m.onnx", "credit@2", matches=True),))},
         says=("is not signed",)),
    Case("model-registered-signed", "signature fails", (N,),
         evidence={MODEL_REGISTRY: registry((ArtifactStatus("models/m.onnx", "credit@2", True, True, False,
                                                            ("digest mismatch in manifest",)),))},
         says=("credit@2 fails verification: digest mismatch in manifest",)),
    Case("model-registered-signed", "no model artifacts", (NA,), evidence={MODEL_REGISTRY: registry()}),
]


@pytest.mark.parametrize("case", CASES, ids=str)
def test_case(case: Case, project_dir: Path) -> None:
    case.check(project_dir)
