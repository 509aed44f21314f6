"""PS-1: pinned dependencies have no known advisory in the offline OSV database."""

from pathlib import Path

import pytest

from secplan.platform.manifests import Dependency

from .cases import NA, Case, N, P
from .platformhelpers import finding, scan

YAML = Dependency("pyyaml", "5.3", "pyyaml==5.3", "requirements.txt", 1)
NUMPY = Dependency("numpy", "2.1.0", "numpy==2.1.0", "requirements.txt", 2)
ADVISORY = finding("vulnerable-dependency", "requirements.txt", 1, "pyyaml 5.3: arbitrary code execution",
                   package="pyyaml", version="5.3", advisories=("PYSEC-2020-96",))

CASES = [
    Case("vulnerable-dependency", "no advisory for the pinned versions", (P,),
         evidence=scan(dependencies=[NUMPY]), says=("1 pinned dependencies have no known advisory",)),
    Case("vulnerable-dependency", "a known advisory", (N,), evidence=scan(ADVISORY, dependencies=[YAML, NUMPY]),
         says=("pyyaml 5.3: arbitrary code execution (vulnerable-dependency)",)),
    Case("vulnerable-dependency", "no manifest", (NA,), evidence=scan()),
]


@pytest.mark.parametrize("case", CASES, ids=str)
def test_case(case: Case, project_dir: Path) -> None:
    results = case.check(project_dir)
    if case.fails:
        assert results[0].details["advisories"] == ["PYSEC-2020-96"]
