"""Open vulnerabilities past the plan's SLA (PS-2)."""

from collections.abc import Iterator

from secplan.assess.evidence import Evidence
from secplan.assess.interface import Location, Result, negative, no_evidence, positive
from secplan.platform.evidence import PLATFORM_PATCHES, PLATFORM_SCAN
from secplan.platform.patches import mean_time_to_remediate

NEEDS = (PLATFORM_PATCHES, PLATFORM_SCAN)


def run(ev: Evidence) -> Iterator[Result]:
    patches = ev.get(PLATFORM_PATCHES)
    if not patches.available:
        yield no_evidence("no first-seen dates: run `secplan platform scan --store` (or assess with a store)")
        return
    items = patches.exposures
    if not items:
        if ev.get(PLATFORM_SCAN).dependencies:
            yield positive("no open vulnerability in the recorded dependency scans")
        else:
            yield no_evidence("no dependency manifest has been scanned yet")
        return
    for e in items:
        if e.status == "overdue":
            yield negative(f"{e.package} {e.version}: {e.advisory} ({e.severity}) open {e.days_exposed} days, "
                           f"SLA {e.sla_days} days", Location(e.path), severity=e.severity,
                           key=f"{e.package}:{e.advisory}")
    open_ok = [e for e in items if e.status == "open"]
    if open_ok:
        yield positive(f"{len(open_ok)} open vulnerabilities are within their SLA")
    mttr = mean_time_to_remediate(items)
    if mttr is not None:
        yield positive(f"mean time to remediate: {mttr} days over "
                       f"{sum(e.status == 'remediated' for e in items)} remediated vulnerabilities")
