"""MS-5: served models are watched by the drift, out-of-distribution and query-pattern detectors."""

from pathlib import Path

import pytest

from secplan.model.monitor.evidence import MONITORING, Monitor, Monitoring

from .cases import NA, NE, Case, N, P

FILES = {"models/fraud.onnx": b"\x08\x07"}
SERVED = {"assets": [{"path": "models/fraud.onnx", "uses": ["serving"]}]}


def monitors(*on: bool) -> Monitoring:
    return Monitoring(tuple(Monitor(f"fraud@{i}", f"sha256:{i}", True, flag) for i, flag in enumerate(on, 1)))


CASES = [
    Case("monitoring-configured", "served with its detectors on", (P,), files=FILES, plan=SERVED,
         evidence={MONITORING: monitors(True)}, says=("fraud@1 is served with drift",)),
    Case("monitoring-configured", "one version served with its detectors off", (P, N), files=FILES, plan=SERVED,
         evidence={MONITORING: monitors(True, False)}, says=("fraud@2 is served with its anomaly detectors off",)),
    Case("monitoring-configured", "served, nothing reported", (NE,), files=FILES, plan=SERVED,
         evidence={MONITORING: Monitoring()}, says=("1 served asset(s) but no monitoring records",)),
    Case("monitoring-configured", "nothing declared for serving", (NA,), files=FILES,
         evidence={MONITORING: Monitoring()}),
]


@pytest.mark.parametrize("case", CASES, ids=str)
def test_case(case: Case, project_dir: Path) -> None:
    case.check(project_dir)
