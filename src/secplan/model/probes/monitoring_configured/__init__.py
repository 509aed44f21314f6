"""Served models are monitored for anomalies (MS-5)."""

from collections.abc import Iterator

from secplan.assess.evidence import Evidence
from secplan.assess.interface import Result, negative, no_evidence, not_applicable, positive
from secplan.model.monitor.evidence import MONITORING
from secplan.vocabulary import AssetKind

NEEDS = (MONITORING,)


def run(ev: Evidence) -> Iterator[Result]:
    served = [a for a in ev.assets if "serving" in a.uses or a.kind is AssetKind.SERVICE]
    if not served:
        yield not_applicable("no model is declared for serving (uses: [serving])")
        return
    monitors = ev.get(MONITORING).monitors
    if not monitors:
        yield no_evidence(f"{len(served)} served asset(s) but no monitoring records (drift, OOD, query patterns)")
        return
    for m in monitors:
        if m.monitoring:
            yield positive(f"{m.model} is served with drift, out-of-distribution and query-pattern detectors on",
                           key=m.model)
        else:
            yield negative(f"{m.model} is served with its anomaly detectors off", key=m.model)
