"""HS-4: the project and every asset have an owner."""

from pathlib import Path

import pytest

from .cases import Case, N, P

FILES = {"a.csv": "x\n", "m.onnx": b"\x08"}

CASES = [
    Case("asset-owners", "declared assets under project owners", (P, P), files=FILES,
         plan={"assets": [{"path": "a.csv", "owner": "ann"}, {"path": "m.onnx"}]},
         says=("project owners: owner@example.com", "all 2 assets have an owner")),
    Case("asset-owners", "an undeclared dataset", (P, N), files={**FILES, "b.csv": "x\n"},
         plan={"assets": [{"path": "a.csv"}, {"path": "m.onnx"}]},
         says=("dataset has no owner (not declared in the plan)",)),
    Case("asset-owners", "no project owner", (N, N), files={"a.csv": "x\n"}, plan={"project": {"owners": []},
                                                                              "assets": [{"path": "a.csv"}]},
         says=("the plan names no project owner", "dataset has no owner (declared without an owner)")),
]


@pytest.mark.parametrize("case", CASES, ids=str)
def test_case(case: Case, project_dir: Path) -> None:
    case.check(project_dir)
