"""Served models are monitored for anomalies (MS-5)."""

from collections.abc import Iterator

from secplan.assess.evidence import CollectorUnavailable, Evidence
from secplan.assess.interface import Result, no_evidence, not_applicable
from secplan.vocabulary import AssetKind


def run(ev: Evidence) -> Iterator[Result]:
    served = [a for a in ev.assets if "serving" in a.uses or a.kind is AssetKind.SERVICE]
    if not served:
        yield not_applicable("no model is declared for serving (uses: [serving])")
        return
    try:
        ev.get("monitoring")
    except CollectorUnavailable:
        yield no_evidence(f"{len(served)} served asset(s) but no monitoring records (drift, OOD, query patterns)")
