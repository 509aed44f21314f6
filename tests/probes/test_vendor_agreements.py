"""CS-6: vendors receiving confidential data have a current agreement and current certifications."""

from pathlib import Path

import pytest

from .cases import NE, Case, N, P
from .vendorhelpers import register, vendor

CASES = [
    Case("vendor-agreements", "agreement and certification current", (P,), evidence=register(vendor("LabelCo")),
         says=("LabelCo: agreement DPA-1; certifications current",)),
    Case("vendor-agreements", "public data needs no agreement", (P,),
         evidence=register(vendor("Hub", data=("public",), agreement=None, expires=None)),
         says=("Hub: no sensitive data shared",)),
    Case("vendor-agreements", "restricted data without an agreement", (N,),
         evidence=register(vendor("GPU Cloud", data=("restricted",), agreement=None, expires=None)),
         says=("GPU Cloud receives restricted data without an agreement",)),
    Case("vendor-agreements", "agreement expired", (N,), evidence=register(vendor("LabelCo", expires="2026-01-31")),
         says=("agreement DPA-1 expired 2026-01-31",)),
    Case("vendor-agreements", "certification expired", (N,),
         evidence=register(vendor("LabelCo", certs=(("SOC 2", "2026-03-01"),))),
         says=("LabelCo: certification SOC 2 expired 2026-03-01",)),
    Case("vendor-agreements", "no vendors", (NE,), evidence=register()),
]


@pytest.mark.parametrize("case", CASES, ids=str)
def test_case(case: Case, project_dir: Path) -> None:
    case.check(project_dir)
