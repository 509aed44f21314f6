"""PS-4: storage declared in Terraform is encrypted at rest."""

from pathlib import Path

import pytest

from .cases import NA, Case, N, P
from .platformhelpers import finding, scan

CASES = [
    Case("storage-unencrypted-iac", "Terraform checked", (P,), files={"main.tf": "# ok\n"}, evidence=scan(),
         says=("1 Terraform files checked, no issue found",)),
    Case("storage-unencrypted-iac", "bucket without encryption", (N,), files={"main.tf": "# bucket\n"},
         evidence=scan(finding("tf-storage-unencrypted", "main.tf", 1, "bucket d has no server-side encryption"))),
    Case("storage-unencrypted-iac", "no Terraform", (NA,), files={"k8s.yaml": "kind: Pod\n"}, evidence=scan()),
]


@pytest.mark.parametrize("case", CASES, ids=str)
def test_case(case: Case, project_dir: Path) -> None:
    case.check(project_dir)
