"""Models served through the gateway validate their inputs (MS-2)."""

from collections.abc import Iterator

from secplan.assess.evidence import Evidence
from secplan.assess.interface import Result, negative, not_applicable, positive
from secplan.model.monitor.evidence import MONITORING

NEEDS = (MONITORING,)


def run(ev: Evidence) -> Iterator[Result]:
    monitors = ev.get(MONITORING).monitors
    if not monitors:
        yield not_applicable("no model is served through secplan's gateway")
        return
    for m in monitors:
        if m.validation:
            yield positive(f"{m.model} is served with input validation against its training profile", key=m.model)
        else:
            yield negative(f"{m.model} is served with input validation off", key=m.model)
