"""People who reach confidential or restricted assets are cleared at the plan's level (HS-2)."""

from collections.abc import Iterator

from secplan.assess.evidence import Evidence
from secplan.assess.interface import Result, negative, no_evidence, not_applicable, positive
from secplan.human.collect import highest_access
from secplan.human.evidence import HUMAN_RECORDS
from secplan.human.people import SCREENING_LEVELS
from secplan.vocabulary import Classification, Severity

NEEDS = (HUMAN_RECORDS,)


def run(ev: Evidence) -> Iterator[Result]:
    records = ev.get(HUMAN_RECORDS)
    if not records.people:
        yield no_evidence("no people recorded: add them with `secplan people add` and their screening")
        return
    required = ev.plan.policy.people.screening_level_for_restricted
    checked = 0
    for person in records.people:
        access = highest_access(ev, person)
        if access is None or not access.at_least(Classification.CONFIDENTIAL):
            continue
        checked += 1
        name, screening = person["name"], person["screening"]
        key = f"person:{name}"
        if screening["status"] == "adverse":
            yield negative(f"{name}: adverse screening result but reaches {access.value} assets", key=key,
                           severity=Severity.CRITICAL)
        elif screening["status"] != "cleared":
            yield negative(f"{name}: screening {screening['status'].replace('_', ' ')} but reaches "
                           f"{access.value} assets", key=key)
        elif access is Classification.RESTRICTED and (
                SCREENING_LEVELS.index(screening["level"] or "basic") < SCREENING_LEVELS.index(required)):
            yield negative(f"{name}: screened at level {screening['level'] or 'unknown'}, restricted assets "
                           f"need {required}", key=key)
        else:
            yield positive(f"{name}: cleared ({screening['level'] or 'level not recorded'}) for "
                           f"{access.value} assets", key=key)
    if not checked:
        yield not_applicable("no one in the people register reaches confidential or restricted assets")
