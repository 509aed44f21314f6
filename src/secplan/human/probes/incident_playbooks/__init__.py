"""Incidents and drills follow their playbooks to the end (HS-3)."""

from collections.abc import Iterator

from secplan.assess.evidence import Evidence
from secplan.assess.interface import Result, negative, no_evidence, positive
from secplan.human.evidence import HUMAN_RECORDS
from secplan.human.playbooks import playbooks

NEEDS = (HUMAN_RECORDS,)


def run(ev: Evidence) -> Iterator[Result]:
    records = ev.get(HUMAN_RECORDS)
    if not records.incidents:
        yield no_evidence("no incidents or drills recorded: run a drill (`secplan incident drill --type ...`)")
        return
    books = playbooks()
    for incident in records.incidents:
        label = f"{'drill' if incident['drill'] else 'incident'} #{incident['id']} ({incident['type']})"
        key = f"incident:{incident['id']}"
        if incident["type"] not in books:
            yield negative(f"{label}: no playbook for this type", key=key)
            continue
        open_steps = [s for s in incident["steps"] if not s.get("done_at")]
        if incident["state"] == "closed" and open_steps:
            yield negative(f"{label} closed with {len(open_steps)} playbook step(s) not done, first: "
                           f"{open_steps[0]['text']}", key=key)
        elif incident["state"] == "closed":
            yield positive(f"{label}: all {len(incident['steps'])} playbook steps done", key=key)
    exercised = {i["type"] for i in records.incidents}
    missing = sorted(set(books) - exercised)
    if missing:
        yield no_evidence(f"playbooks never exercised by an incident or drill: {', '.join(missing)}")
