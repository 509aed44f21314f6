"""PS-5: infrastructure code does not expose ML services to the internet."""

from pathlib import Path

import pytest

from .cases import NA, Case, N, P
from .platformhelpers import finding, scan

CASES = [
    Case("public-exposure-iac", "Terraform checked, nothing public", (P,), files={"infra/main.tf": "# vpc\n"},
         evidence=scan()),
    Case("public-exposure-iac", "notebook reachable from the internet", (N,), files={"infra/main.tf": "# nb\n"},
         evidence=scan(finding("tf-notebook-internet", "infra/main.tf", 3, "notebook instance has direct internet access")),
         says=("notebook instance has direct internet access (tf-notebook-internet)",)),
    Case("public-exposure-iac", "no infrastructure code", (NA,), files={"a.py": "pass\n"}, evidence=scan()),
]


@pytest.mark.parametrize("case", CASES, ids=str)
def test_case(case: Case, project_dir: Path) -> None:
    case.check(project_dir)
