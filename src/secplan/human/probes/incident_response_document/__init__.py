"""An incident response plan exists (HS-3)."""

from collections.abc import Iterator

from secplan.assess.evidence import Evidence
from secplan.assess.files import read_text
from secplan.assess.interface import Location, Result, negative, positive

NEEDS = ()

NAMES = {"incident_response.md", "incident-response.md", "incident_response_plan.md", "runbook.md", "security.md"}
MARKERS = ("incident", "report a vulnerability", "reporting")


def run(ev: Evidence) -> Iterator[Result]:
    for f in ev.files:
        folder, _, name = f.path.rpartition("/")
        if name.lower() not in NAMES or folder not in ("", "docs", ".github"):
            continue
        text = (read_text(ev.root / f.path) or "").lower()
        if any(marker in text for marker in MARKERS):
            yield positive("incident response document present", Location(f.path))
            return
    yield negative("no incident response plan or security policy in the project", Location("."), key="missing")
