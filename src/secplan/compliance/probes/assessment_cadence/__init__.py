"""The project is assessed within the plan's cadence (CS-5)."""

from collections.abc import Iterator

from secplan.assess.evidence import Evidence
from secplan.assess.interface import Location, Result, negative, no_evidence, positive

NEEDS = ()


def run(ev: Evidence) -> Iterator[Result]:
    if not ev.has_store:
        yield no_evidence("no earlier assessment is stored (this is the first)")
        return
    from secplan.assess.history import list_assessments
    from secplan.projects import project_of

    previous = list_assessments(ev.store, project_id=project_of(ev.store).id, limit=1)
    if not previous:
        yield no_evidence("no earlier assessment is stored (this is the first)")
        return
    cadence = ev.plan.policy.assessment_every_days
    age = (ev.today - previous[0].finished_at.date()).days
    if age > cadence:
        yield negative(f"the last assessment was {age} days ago; the plan asks for one every {cadence} days",
                       Location("secplan.yaml"), key="cadence")
    else:
        yield positive(f"last assessment {age} day(s) ago (cadence {cadence} days)")
