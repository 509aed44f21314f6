"""MS-1: every registered model version names the dataset versions it was trained on."""

from pathlib import Path

import pytest

from secplan.model.registry.evidence import MODEL_REGISTRY

from .cases import NA, Case, N, P
from .registryhelpers import registry, version

CASES = [
    Case("lineage-has-dataset-versions", "lineage names a dataset version", (P,),
         evidence={MODEL_REGISTRY: registry(versions=(version("credit@1", datasets=(("train", "3"),)),))},
         says=("credit@1 was trained on train@3",)),
    Case("lineage-has-dataset-versions", "a version without datasets", (P, N),
         evidence={MODEL_REGISTRY: registry(versions=(version("credit@1", datasets=(("train", "3"),)),
                                                      version("credit@2")))},
         says=("credit@2 has no dataset versions in its lineage",)),
    Case("lineage-has-dataset-versions", "nothing registered", (NA,), evidence={MODEL_REGISTRY: registry()}),
]


@pytest.mark.parametrize("case", CASES, ids=str)
def test_case(case: Case, project_dir: Path) -> None:
    case.check(project_dir)
