"""An incident response drill within the plan's cadence (HS-3)."""

import datetime as dt
from collections.abc import Iterator

from secplan.assess.evidence import Evidence
from secplan.assess.interface import Location, Result, negative, no_evidence, positive
from secplan.human.evidence import HUMAN_RECORDS

NEEDS = (HUMAN_RECORDS,)


def run(ev: Evidence) -> Iterator[Result]:
    drills = ev.get(HUMAN_RECORDS).drills
    if not drills:
        yield no_evidence("no drill recorded: record one with `secplan incident drill --type TYPE`")
        return
    latest = max(drills, key=lambda d: d["opened_at"])
    age = (ev.today - dt.date.fromisoformat(latest["opened_at"][:10])).days
    cadence = ev.plan.policy.incidents.drill_every_days
    if age > cadence:
        yield negative(f"last drill ({latest['type']}) was {age} days ago; the plan asks for one every "
                       f"{cadence} days", Location("secplan.yaml"), key="drill-cadence")
    else:
        yield positive(f"last drill ({latest['type']}) {age} day(s) ago (cadence {cadence} days)")
