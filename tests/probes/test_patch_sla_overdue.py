"""PS-2: open vulnerabilities are fixed within the plan's patch SLA, judged on their first-seen dates."""

from pathlib import Path

import pytest

from secplan.platform.evidence import PLATFORM_PATCHES, PatchEvidence
from secplan.platform.manifests import Dependency
from secplan.platform.patches import Exposure
from secplan.vocabulary import Severity

from .cases import NE, Case, N, P, at, days_ago
from .platformhelpers import scan

DEPS = scan(dependencies=[Dependency("pyyaml", "5.3", "pyyaml==5.3", "requirements.txt", 1)])


def exposure(status: str, days: int, severity: Severity = Severity.HIGH, remediated: bool = False) -> Exposure:
    return Exposure("pyyaml", "5.3", f"PYSEC-{days}", severity, "requirements.txt", at(days_ago(days)),
                    at(days_ago(0)) if remediated else None, days, 30, status)


def patches(*items: Exposure) -> dict:
    return {PLATFORM_PATCHES: PatchEvidence(True, items), **DEPS}


CASES = [
    Case("patch-sla-overdue", "open within the SLA, one remediated", (P, P),
         evidence=patches(exposure("open", 5), exposure("remediated", 12, remediated=True)),
         says=("1 open vulnerabilities are within their SLA", "mean time to remediate: 12.0 days")),
    Case("patch-sla-overdue", "open past the SLA", (N,), evidence=patches(exposure("overdue", 45, Severity.CRITICAL)),
         says=("pyyaml 5.3: PYSEC-45 (critical) open 45 days, SLA 30 days",)),
    Case("patch-sla-overdue", "scanned, nothing open", (P,), evidence=patches(),
         says=("no open vulnerability in the recorded dependency scans",)),
    Case("patch-sla-overdue", "no first-seen dates", (NE,),
         evidence={PLATFORM_PATCHES: PatchEvidence(False), **DEPS}),
]


@pytest.mark.parametrize("case", CASES, ids=str)
def test_case(case: Case, project_dir: Path) -> None:
    results = case.check(project_dir)
    if case.fails:
        assert results[0].severity is Severity.CRITICAL
