"""MS-5: served models are monitored, and their alerts acknowledged."""

from pathlib import Path

import pytest

from secplan.model.monitor.evidence import MONITORING

from .cases import NA, NE, Case, N, P
from .monitorhelpers import monitoring, served

SERVING = {"assets": [{"path": "models/credit.onnx", "kind": "model", "uses": ["serving"]}]}

CASES = [
    Case("monitoring-configured", "detectors on", (P,), plan=SERVING, evidence={MONITORING: monitoring(served())},
         says=("credit@2 is served with drift",)),
    Case("monitoring-configured", "detectors off", (N,), plan=SERVING,
         evidence={MONITORING: monitoring(served(monitoring=False))}, says=("anomaly detectors off",)),
    Case("monitoring-configured", "alerts not acknowledged", (N,), plan=SERVING,
         evidence={MONITORING: monitoring(served(open_alerts=2, unacknowledged_alerts=2))},
         says=("2 open alert(s) nobody acknowledged",)),
    Case("monitoring-configured", "served without records", (NE,), plan=SERVING, evidence={MONITORING: monitoring()}),
    Case("monitoring-configured", "nothing served", (NA,), evidence={MONITORING: monitoring()}),
]


@pytest.mark.parametrize("case", CASES, ids=str)
def test_case(case: Case, project_dir: Path) -> None:
    case.check(project_dir)
