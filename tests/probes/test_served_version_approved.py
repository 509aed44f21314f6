"""MS-6: running gateways serve the production version, authenticated (and with TLS beyond loopback)."""

from pathlib import Path

import pytest

from secplan.model.monitor.evidence import MONITORING

from .cases import NA, Case, N, P
from .monitorhelpers import OTHER, monitoring, served

CASES = [
    Case("served-version-approved", "production digest on loopback", (P,), evidence={MONITORING: monitoring(served())},
         says=("credit@2 is the approved production version",)),
    Case("served-version-approved", "production digest behind TLS", (P,),
         evidence={MONITORING: monitoring(served(host="0.0.0.0", tls=True))}),
    Case("served-version-approved", "another digest", (N,),
         evidence={MONITORING: monitoring(served(production_digest=OTHER))}, says=("not the production version",)),
    Case("served-version-approved", "no production stage", (N,),
         evidence={MONITORING: monitoring(served(production_digest=None))}, says=("no production promotion",)),
    Case("served-version-approved", "open to the network without auth", (N,),
         evidence={MONITORING: monitoring(served(host="10.0.0.5", auth=False, tls=True))},
         says=("listens on 10.0.0.5 without authentication",)),
    Case("served-version-approved", "beyond loopback without TLS", (N,),
         evidence={MONITORING: monitoring(served(host="0.0.0.0"))}, says=("without TLS",)),
    Case("served-version-approved", "stopped gateway", (NA,), evidence={MONITORING: monitoring(served(running=False))}),
]


@pytest.mark.parametrize("case", CASES, ids=str)
def test_case(case: Case, project_dir: Path) -> None:
    case.check(project_dir)
