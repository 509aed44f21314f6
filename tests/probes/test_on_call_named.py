"""HS-5: the plan names an on-call owner."""

from pathlib import Path

import pytest

from .cases import Case, N, P

CASES = [
    Case("on-call-named", "on-call named", (P,), plan={"project": {"on_call": "oncall@example.com"}},
         says=("on-call owner: oncall@example.com",)),
    Case("on-call-named", "no on-call", (N,), says=("no on-call owner is named (project.on_call)",)),
]


@pytest.mark.parametrize("case", CASES, ids=str)
def test_case(case: Case, project_dir: Path) -> None:
    case.check(project_dir)
