"""MS-6: a production version verifies and reached production through every gate."""

from pathlib import Path

import pytest

from secplan.model.registry.evidence import MODEL_REGISTRY

from .cases import NA, Case, N, P
from .registryhelpers import production, registry

CASES = [
    Case("deployed-version-verified", "every gate met", (P,),
         evidence={MODEL_REGISTRY: registry(prod=(production("credit@2"),))},
         says=("production version credit@2 verifies and passed every gate",)),
    Case("deployed-version-verified", "promoted without scan and approval", (N,),
         evidence={MODEL_REGISTRY: registry(prod=(production("credit@2", gates=("signature", "evaluation")),))},
         says=("credit@2 reached production without the gates: scan, approval",)),
    Case("deployed-version-verified", "fails verification", (N,),
         evidence={MODEL_REGISTRY: registry(prod=(production("credit@2", problems=("signature invalid",)),))},
         says=("fails verification: signature invalid",)),
    Case("deployed-version-verified", "nothing in production", (NA,), evidence={MODEL_REGISTRY: registry()}),
]


@pytest.mark.parametrize("case", CASES, ids=str)
def test_case(case: Case, project_dir: Path) -> None:
    results = case.check(project_dir)
    if results[0].location is not None:
        assert results[0].location.member == "credit@2"
