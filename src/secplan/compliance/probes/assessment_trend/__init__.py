"""The assessment score is not falling (CS-5)."""

from collections.abc import Iterator

from secplan.assess.evidence import Evidence
from secplan.assess.interface import Result, negative, no_evidence, positive

NEEDS = ()

MAX_DROP = 1.0


def run(ev: Evidence) -> Iterator[Result]:
    if not ev.has_store:
        yield no_evidence("no stored assessments: the trend needs two")
        return
    from secplan.assess.history import list_assessments
    from secplan.projects import project_of

    scored = [a for a in list_assessments(ev.store, project_id=project_of(ev.store).id, limit=10) if a.score is not None]
    if len(scored) < 2:
        yield no_evidence("fewer than two stored assessments with a score: no trend yet")
        return
    newest, before = scored[0], scored[1]
    change = newest.score - before.score
    text = f"score {before.score:.1f} -> {newest.score:.1f} (assessments #{before.id} -> #{newest.id})"
    if change <= -MAX_DROP:
        yield negative(f"posture fell: {text}", key="trend")
    else:
        yield positive(f"posture steady or better: {text}", key="trend")
