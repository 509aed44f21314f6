"""Served models are monitored for anomalies, and their alerts are seen (MS-5)."""

from collections.abc import Iterator

from secplan.assess.evidence import Evidence
from secplan.assess.interface import Result, negative, no_evidence, not_applicable, positive
from secplan.model.monitor.evidence import MONITORING
from secplan.vocabulary import AssetKind

NEEDS = (MONITORING,)


def run(ev: Evidence) -> Iterator[Result]:
    served = [a for a in ev.assets if "serving" in a.uses or a.kind is AssetKind.SERVICE]
    monitors = ev.get(MONITORING).monitors
    if not served and not monitors:
        yield not_applicable("no model is declared for serving (uses: [serving])")
        return
    if not monitors:
        yield no_evidence(f"{len(served)} served asset(s) but no monitoring records (drift, OOD, query patterns)")
        return
    for m in monitors:
        if not m.monitoring:
            yield negative(f"{m.model} is served with its anomaly detectors off", key=m.model)
        elif m.unacknowledged_alerts:
            yield negative(f"{m.model}: {m.unacknowledged_alerts} open alert(s) nobody acknowledged "
                           "(`secplan monitor ack`)", key=f"unacknowledged|{m.model}")
        else:
            yield positive(f"{m.model} is served with drift, out-of-distribution and query-pattern detectors on",
                           key=m.model)
