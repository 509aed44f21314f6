"""PS-5: a current, verified attestation of a firewall and intrusion detection review."""

from pathlib import Path

import pytest

from .cases import Case
from .platformhelpers import attestation_cases

CASES = attestation_cases("network-review-attested", "PS-5", "a firewall and intrusion detection review")


@pytest.mark.parametrize("case", CASES, ids=str)
def test_case(case: Case, project_dir: Path) -> None:
    case.check(project_dir)
