"""Everyone in the people register has current training (HS-1)."""

import datetime as dt
from collections.abc import Iterator

from secplan.assess.evidence import Evidence
from secplan.assess.interface import Result, negative, no_evidence, positive
from secplan.human.collect import highest_access
from secplan.human.evidence import HUMAN_RECORDS
from secplan.vocabulary import Classification, Severity

NEEDS = (HUMAN_RECORDS,)


def current(training: dict, today: dt.date, valid_days: int) -> bool:
    if training["expires"]:
        return dt.date.fromisoformat(training["expires"]) >= today
    return dt.date.fromisoformat(training["completed"]) + dt.timedelta(days=valid_days) >= today


def run(ev: Evidence) -> Iterator[Result]:
    records = ev.get(HUMAN_RECORDS)
    if not records.people:
        yield no_evidence("no people recorded: add them with `secplan people add` and their training")
        return
    valid_days = ev.plan.policy.people.training_valid_days
    for person in records.people:
        access = highest_access(ev, person)
        sensitive = access is not None and access.at_least(Classification.CONFIDENTIAL)
        live = [t for t in person["training"] if current(t, ev.today, valid_days)]
        if live:
            yield positive(f"{person['name']}: training current ({live[-1]['course']})",
                           key=f"person:{person['name']}")
        else:
            last = person["training"][-1] if person["training"] else None
            why = f"last training {last['course']} lapsed" if last else "no training recorded"
            reach = f"; reaches {access.value} assets" if sensitive else ""
            yield negative(f"{person['name']}: {why}{reach}", key=f"person:{person['name']}",
                           severity=Severity.HIGH if sensitive else Severity.MEDIUM)
