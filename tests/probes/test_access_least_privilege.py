"""DS-3: roles are in use and administrators are few, judged from the store's grants."""

from pathlib import Path

import pytest

from secplan.human.evidence import HUMAN_RECORDS, HumanRecords

from .cases import NE, Case, N, P


def grants(*pairs: tuple[str, str]) -> HumanRecords:
    return HumanRecords(available=True, grants=list(pairs))


TEAM = [(f"user{n}", "viewer") for n in range(6)]

CASES = [
    Case("access-least-privilege", "roles in use, two admins", (P,),
         evidence={HUMAN_RECORDS: grants(("ana", "admin"), ("ben", "admin"), *TEAM)},
         says=("8 user(s) act under roles: admin, viewer",)),
    Case("access-least-privilege", "three admins among eight users", (P, N),
         evidence={HUMAN_RECORDS: grants(("ana", "admin"), ("ben", "admin"), ("cy", "admin"), *TEAM[:5])},
         says=("3 administrators (ana, ben, cy) for 8 users; at most 2 expected",)),
    Case("access-least-privilege", "a fifth of a large team may be admins", (P,),
         evidence={HUMAN_RECORDS: grants(*[(f"a{n}", "admin") for n in range(3)],
                                         *[(f"u{n}", "editor") for n in range(12)])}),
    Case("access-least-privilege", "no grants: single-user mode", (NE,),
         evidence={HUMAN_RECORDS: HumanRecords(available=False)}, says=("no users with roles",)),
]


@pytest.mark.parametrize("case", CASES, ids=str)
def test_case(case: Case, project_dir: Path) -> None:
    case.check(project_dir)
