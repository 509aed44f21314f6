"""HS-5: monitoring alerts open incidents that someone owns."""

from pathlib import Path

import pytest

from secplan.model.monitor.evidence import MONITORING

from .cases import NA, Case, N, P
from .monitorhelpers import alert, monitoring, served

CASES = [
    Case("alerts-become-incidents", "owned incident", (P,), evidence={MONITORING: monitoring(served(), alerts=(alert(),))},
         says=("all 1 open alert(s) have an incident with an owner",)),
    Case("alerts-become-incidents", "no incident", (N,),
         evidence={MONITORING: monitoring(served(), alerts=(alert(incident=None),))}, says=("opened no incident",)),
    Case("alerts-become-incidents", "incident without owner", (N,),
         evidence={MONITORING: monitoring(served(), alerts=(alert(owner=None),))}, says=("incident 7 has no owner",)),
    Case("alerts-become-incidents", "only resolved alerts", (NA,),
         evidence={MONITORING: monitoring(served(), alerts=(alert(incident=None, resolved=True),))}),
]


@pytest.mark.parametrize("case", CASES, ids=str)
def test_case(case: Case, project_dir: Path) -> None:
    case.check(project_dir)
