"""MS-2: models served through the gateway validate their inputs."""

from pathlib import Path

import pytest

from secplan.model.monitor.evidence import MONITORING

from .cases import NA, Case, N, P
from .monitorhelpers import monitoring, served

CASES = [
    Case("served-input-validation", "validated", (P,), evidence={MONITORING: monitoring(served())},
         says=("credit@2 is served with input validation",)),
    Case("served-input-validation", "validation off", (N,), evidence={MONITORING: monitoring(served(validation=False))},
         says=("credit@2 is served with input validation off",)),
    Case("served-input-validation", "nothing served", (NA,), evidence={MONITORING: monitoring()}),
]


@pytest.mark.parametrize("case", CASES, ids=str)
def test_case(case: Case, project_dir: Path) -> None:
    case.check(project_dir)
