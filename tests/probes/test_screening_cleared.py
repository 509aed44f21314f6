"""HS-2: people reaching confidential or restricted assets are screened at the plan's level."""

from pathlib import Path

import pytest

from .cases import NA, NE, Case, N, P
from .humanhelpers import ASSETS, FILES, person, records

CASES = [
    Case("screening-cleared", "cleared at the required level", (P,), files=FILES, plan=ASSETS,
         evidence=records([person("ana"), person("cy", ("data/public.csv",), status="not_started")]),
         says=("ana: cleared (standard) for restricted assets",)),
    Case("screening-cleared", "a folder reaches what it holds", (N,), files=FILES, plan=ASSETS,
         evidence=records([person("dee", ("data/",), status="adverse")]),
         says=("dee: adverse screening result but reaches restricted assets",)),
    Case("screening-cleared", "screened below the level restricted data needs", (N,), files=FILES, plan=ASSETS,
         evidence=records([person("ben", level="basic")]),
         says=("ben: screened at level basic, restricted assets need standard",)),
    Case("screening-cleared", "screening pending", (N,), files=FILES, plan=ASSETS,
         evidence=records([person("eve", status="in_progress")]), says=("eve: screening in progress",)),
    Case("screening-cleared", "only public access", (NA,), files=FILES, plan=ASSETS,
         evidence=records([person("cy", ("data/public.csv",), status="not_started")])),
    Case("screening-cleared", "no people", (NE,), evidence=records()),
]


@pytest.mark.parametrize("case", CASES, ids=str)
def test_case(case: Case, project_dir: Path) -> None:
    case.check(project_dir)
