"""Credentials committed to the project (PS-7); values are redacted in every result."""

from collections.abc import Iterator

from secplan.assess.evidence import Evidence
from secplan.assess.interface import Result, not_applicable, positive
from secplan.platform.collect import findings_as_results
from secplan.platform.evidence import PLATFORM_SCAN

NEEDS = (PLATFORM_SCAN,)


def run(ev: Evidence) -> Iterator[Result]:
    found = list(findings_as_results(ev, "secret-in-code"))
    yield from found
    files = ev.get(PLATFORM_SCAN).files
    if not found:
        yield positive(f"{files} text files and notebooks scanned, no credential found") if files else \
            not_applicable("no text files in the project")
