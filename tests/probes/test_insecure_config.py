"""PS-7: Dockerfiles, manifests and server code are configured securely (the platform scan's config rules)."""

from pathlib import Path

import pytest

from .cases import NA, Case, N, P
from .platformhelpers import finding, scan

DOCKERFILE = "FROM python:latest\nUSER app\n"

CASES = [
    Case("insecure-config", "pinned base image", (P,), files={"Dockerfile": "FROM python:3.12@sha256:ab\nUSER app\n"},
         evidence=scan(), says=("1 Dockerfiles, manifests and Python files checked, no issue found",)),
    Case("insecure-config", "unpinned base image", (N,), files={"Dockerfile": DOCKERFILE},
         evidence=scan(finding("dockerfile-unpinned-base", "Dockerfile", 1, "base image python:latest is not pinned")),
         says=("base image python:latest is not pinned (dockerfile-unpinned-base)",)),
    Case("insecure-config", "nothing to check", (NA,), files={"README.md": "x\n"}, evidence=scan(files=0)),
]


@pytest.mark.parametrize("case", CASES, ids=str)
def test_case(case: Case, project_dir: Path) -> None:
    case.check(project_dir)
