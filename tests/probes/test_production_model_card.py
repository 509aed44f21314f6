"""MS-3: a production model version has a complete model card bound to its signature."""

from pathlib import Path

import pytest

from secplan.model.registry.evidence import MODEL_REGISTRY

from .cases import NA, Case, N, P
from .registryhelpers import production, registry

CASES = [
    Case("production-model-card", "complete, signed card", (P,),
         evidence={MODEL_REGISTRY: registry(prod=(production("credit@2"),))},
         says=("credit@2 has a model card bound to its signature",)),
    Case("production-model-card", "card without limitations", (N,),
         evidence={MODEL_REGISTRY: registry(prod=(production("credit@2", card_info={"intended_use": "x"}),))},
         says=("credit@2's model card does not state limitations",)),
    Case("production-model-card", "card outside the signed manifest", (N,),
         evidence={MODEL_REGISTRY: registry(prod=(production("credit@2", card_digest=None),))},
         says=("is not in a signed manifest",)),
    Case("production-model-card", "nothing in production", (NA,), evidence={MODEL_REGISTRY: registry()}),
]


@pytest.mark.parametrize("case", CASES, ids=str)
def test_case(case: Case, project_dir: Path) -> None:
    case.check(project_dir)
