"""Alerts reach a named, known responder and open incidents have owners (HS-5)."""

from collections.abc import Iterator

from secplan.assess.evidence import Evidence
from secplan.assess.interface import Location, Result, negative, no_evidence, positive
from secplan.human.evidence import HUMAN_RECORDS

NEEDS = (HUMAN_RECORDS,)


def run(ev: Evidence) -> Iterator[Result]:
    records = ev.get(HUMAN_RECORDS)
    if not records.people and not records.real_incidents:
        yield no_evidence("no people or incidents recorded: nothing shows where alerts go")
        return
    on_call = ev.plan.project.on_call
    names = {p["name"] for p in records.people} | {p["email"] for p in records.people if p["email"]}
    if on_call and on_call in names:
        yield positive(f"on-call {on_call} is in the people register", key="on-call")
    elif on_call:
        yield negative(f"on-call {on_call} is not in the people register", Location("secplan.yaml"),
                       key="on-call")
    for incident in records.real_incidents:
        if incident["state"] == "open" and not incident["owner"]:
            yield negative(f"open incident #{incident['id']} ({incident['title'][:60]}) has no owner",
                           key=f"incident:{incident['id']}")
    routed = [i for i in records.real_incidents if i["finding"]]
    if routed:
        yield positive(f"{len(routed)} incident(s) opened from scan or monitor findings", key="routed")
