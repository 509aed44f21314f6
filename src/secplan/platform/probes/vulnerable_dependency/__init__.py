"""Pinned dependencies with known advisories (PS-1)."""

from collections.abc import Iterator

from secplan.assess.evidence import Evidence
from secplan.assess.interface import Result, not_applicable, positive
from secplan.platform.collect import findings_as_results
from secplan.platform.evidence import PLATFORM_SCAN

NEEDS = (PLATFORM_SCAN,)


def run(ev: Evidence) -> Iterator[Result]:
    scan = ev.get(PLATFORM_SCAN)
    pinned = [d for d in scan.dependencies if d.version]
    if not scan.dependencies:
        yield not_applicable("no dependency manifest in the project")
        return
    found = list(findings_as_results(ev, "vulnerable-dependency"))
    yield from found
    if pinned and not found:
        yield positive(f"{len(set((d.name, d.version) for d in pinned))} pinned dependencies have no known "
                       f"advisory in {scan.database.describe() if scan.database else 'the advisory database'}")
