"""PS-7: no credentials in the project's text files and notebooks (and none echoed in a finding)."""

from pathlib import Path

import pytest

from .cases import NA, Case, N, P
from .platformhelpers import finding, scan

TOKEN = finding("secret-in-code", "app.py", 3, "Hugging Face token hf_aB...67", fingerprint="sha256:1f2e")

CASES = [
    Case("secret-in-code", "files scanned, no credential", (P,), files={"app.py": "x = 1\n"}, evidence=scan(files=4),
         says=("4 text files and notebooks scanned, no credential found",)),
    Case("secret-in-code", "a token in code", (N,), files={"app.py": "x = 1\n"}, evidence=scan(TOKEN, files=4),
         says=("Hugging Face token hf_aB...67 (secret-in-code)",)),
    Case("secret-in-code", "no text files", (NA,), evidence=scan(files=0)),
]


@pytest.mark.parametrize("case", CASES, ids=str)
def test_case(case: Case, project_dir: Path) -> None:
    results = case.check(project_dir)
    if case.fails:  # the fingerprint of the value, not the value, keys the finding
        assert "sha256:1f2e" in (results[0].key or "")
