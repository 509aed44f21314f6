"""PS-6: a current, verified attestation of hardware tamper protection."""

from pathlib import Path

import pytest

from .cases import Case
from .platformhelpers import attestation_cases

CASES = attestation_cases("tamper-protection-attested", "PS-6", "hardware tamper protection")


@pytest.mark.parametrize("case", CASES, ids=str)
def test_case(case: Case, project_dir: Path) -> None:
    case.check(project_dir)
