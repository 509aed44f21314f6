"""HS-3: every incident follows a shipped playbook, closed ones with every step done, and every
playbook has been exercised."""

from pathlib import Path

import pytest

from secplan.human.playbooks import playbooks

from .cases import NE, Case, N, P
from .humanhelpers import incident, records

EVERY_TYPE = sorted(playbooks())

CASES = [
    Case("incident-playbooks", "every playbook exercised, steps done", (P,) * len(EVERY_TYPE),
         evidence=records(incidents=[incident(n, kind, drill=n % 2 == 0) for n, kind in enumerate(EVERY_TYPE, 1)])),
    Case("incident-playbooks", "closed with a step not done", (N, NE),
         evidence=records(incidents=[incident(1, "secret-leak", steps_done=(True, False))]),
         says=("closed with 1 playbook step(s) not done, first: step 2", "playbooks never exercised")),
    Case("incident-playbooks", "a type with no playbook", (N, NE), evidence=records(incidents=[incident(1, "alien")]),
         says=("incident #1 (alien): no playbook for this type",)),
    Case("incident-playbooks", "nothing recorded", (NE,), evidence=records()),
]


@pytest.mark.parametrize("case", CASES, ids=str)
def test_case(case: Case, project_dir: Path) -> None:
    case.check(project_dir)
