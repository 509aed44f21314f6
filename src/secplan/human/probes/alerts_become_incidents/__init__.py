"""Alerts from the live-traffic monitor become incidents with an owner (HS-5)."""

from collections.abc import Iterator

from secplan.assess.evidence import Evidence
from secplan.assess.interface import Result, negative, not_applicable, positive
from secplan.model.monitor.evidence import MONITORING

NEEDS = (MONITORING,)


def run(ev: Evidence) -> Iterator[Result]:
    alerts = [a for a in ev.get(MONITORING).alerts if not a.resolved]
    if not alerts:
        yield not_applicable("no open monitoring alert")
        return
    bad = False
    for a in alerts:
        who = f"{a.kind} alert {a.id[:8]} on {a.model}" + (f" (client {a.client})" if a.client else "")
        if a.incident is None:
            bad = True
            yield negative(f"{who} opened no incident", key=a.id)
        elif not a.incident_owner:
            bad = True
            yield negative(f"{who}: incident {a.incident} has no owner", key=a.id)
    if not bad:
        yield positive(f"all {len(alerts)} open alert(s) have an incident with an owner")
