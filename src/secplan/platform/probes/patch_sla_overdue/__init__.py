"""Open vulnerabilities past the plan's SLA (PS-2)."""

from collections.abc import Iterator

from secplan.assess.evidence import Evidence
from secplan.assess.interface import Location, Result, negative, no_evidence, positive
from secplan.platform.patches import mean_time_to_remediate


def run(ev: Evidence) -> Iterator[Result]:
    items = ev.get("platform_patches")
    if items is None:
        yield no_evidence("no first-seen dates: run `secplan platform scan --record` (or assess with a store)")
        return
    if not items:
        if ev.get("platform_scan").dependencies:
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
