"""No serious incident is past its EU AI Act Art. 73 reporting deadline (HS-3)."""

from collections.abc import Iterator

from secplan.assess.evidence import Evidence
from secplan.assess.interface import Result, negative, no_evidence, positive
from secplan.human.evidence import HUMAN_RECORDS
from secplan.vocabulary import Severity

NEEDS = (HUMAN_RECORDS,)


def run(ev: Evidence) -> Iterator[Result]:
    incidents = ev.get(HUMAN_RECORDS).real_incidents
    if not incidents:
        yield no_evidence("no incidents recorded: nothing shows whether deadlines are met")
        return
    clocked = [i for i in incidents if i["clock"]]
    for incident in clocked:
        clock, key = incident["clock"], f"incident:{incident['id']}"
        label = f"incident #{incident['id']} ({incident['title'][:60]})"
        deadline = clock["deadline"][:10]
        if clock["state"] == "overdue":
            yield negative(f"{label}: Art. 73 report overdue since {deadline}", key=key, details=clock)
        elif clock["state"] == "late":
            yield negative(f"{label}: reported after the Art. 73 deadline {deadline}", key=key,
                           severity=Severity.HIGH, details=clock)
        elif clock["state"] == "reported":
            yield positive(f"{label}: reported before the Art. 73 deadline {deadline}", key=key)
        else:
            yield positive(f"{label}: within its Art. 73 window ({clock['days_left']} days left)", key=key)
    if not clocked:
        yield positive(f"{len(incidents)} incident(s) recorded, none marked serious under Art. 73")
