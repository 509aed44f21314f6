"""PS-3: no privileged or root containers in Kubernetes, compose or Terraform files."""

from pathlib import Path

import pytest

from .cases import NA, Case, N, P
from .platformhelpers import finding, scan

CASES = [
    Case("privileged-container", "manifests checked, nothing found", (P,), files={"k8s/app.yaml": "kind: Pod\n"},
         evidence=scan(), says=("1 Kubernetes, compose, Terraform, script and notebook files checked",)),
    Case("privileged-container", "a privileged pod", (N,), files={"k8s/app.yaml": "kind: Pod\n"},
         evidence=scan(finding("container-privileged", "k8s/app.yaml", 9, "container app is privileged",
                               member="Pod/app/app"))),
    Case("privileged-container", "no manifests", (NA,), files={"a.py": "pass\n"}, evidence=scan()),
]


@pytest.mark.parametrize("case", CASES, ids=str)
def test_case(case: Case, project_dir: Path) -> None:
    results = case.check(project_dir)
    if case.fails:
        assert results[0].location.member == "Pod/app/app" and results[0].location.line == 9
