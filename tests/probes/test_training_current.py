"""HS-1: everyone in the people register has current security training."""

from pathlib import Path

import pytest

from secplan.vocabulary import Severity

from .cases import NE, Case, N, P
from .humanhelpers import ASSETS, FILES, person, records

CASES = [
    Case("training-current", "training current", (P,), files=FILES, plan=ASSETS,
         evidence=records([person("ana", training=(("Secure ML", "2026-06-01", "2027-06-01"),))]),
         says=("ana: training current (Secure ML)",)),
    Case("training-current", "no expiry, within the plan's validity", (P,), files=FILES, plan=ASSETS,
         evidence=records([person("cy", ("data/public.csv",), training=(("Awareness", "2026-03-01", None),))])),
    Case("training-current", "lapsed training, restricted access", (N,), files=FILES, plan=ASSETS,
         evidence=records([person("ben", training=(("Secure ML", "2025-01-01", "2025-12-31"),))]),
         says=("ben: last training Secure ML lapsed; reaches restricted assets",)),
    Case("training-current", "no training, public access only", (N,), files=FILES, plan=ASSETS,
         evidence=records([person("dee", ("data/public.csv",))]), says=("dee: no training recorded",)),
    Case("training-current", "no people", (NE,), evidence=records()),
]


@pytest.mark.parametrize("case", CASES, ids=str)
def test_case(case: Case, project_dir: Path) -> None:
    results = case.check(project_dir)
    if case.fails:
        expected = Severity.HIGH if "restricted" in case.name else Severity.MEDIUM
        assert results[0].severity is expected
