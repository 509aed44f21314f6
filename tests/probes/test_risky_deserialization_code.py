"""MS-6: the project's code does not deserialise untrusted models unsafely (torch.load, pickle.load...)."""

from pathlib import Path

import pytest

from secplan.platform.evidence import PLATFORM_SCAN, PlatformScan
from secplan.platform.findings import Category, Finding
from secplan.vocabulary import Severity

from .cases import NA, Case, N, P

LOAD = Finding("torch-load-unsafe", Category.CODE, Severity.HIGH, "app.py", 2,
               "torch.load without weights_only=True runs pickled code")

CASES = [
    Case("risky-deserialization-code", "code checked, nothing found", (P,), files={"app.py": "import torch\n"},
         evidence={PLATFORM_SCAN: PlatformScan(files=1)}, says=("1 Python files and notebooks checked",)),
    Case("risky-deserialization-code", "torch.load without weights_only", (N,),
         files={"app.py": "import torch\nm = torch.load('m.pt')\n"},
         evidence={PLATFORM_SCAN: PlatformScan([LOAD], files=1)},
         says=("torch.load without weights_only=True runs pickled code (torch-load-unsafe)",)),
    Case("risky-deserialization-code", "no Python code", (NA,), files={"README.md": "x\n"},
         evidence={PLATFORM_SCAN: PlatformScan()}),
]


@pytest.mark.parametrize("case", CASES, ids=str)
def test_case(case: Case, project_dir: Path) -> None:
    results = case.check(project_dir)
    if case.fails:
        assert (results[0].location.path, results[0].location.line) == ("app.py", 2)
