"""The plan names the frameworks that apply and the system's risk category (CS-1)."""

from collections.abc import Iterator

from secplan.assess.evidence import Evidence
from secplan.assess.interface import Location, Result, negative, positive

NEEDS = ()

PLAN = Location("secplan.yaml")


def run(ev: Evidence) -> Iterator[Result]:
    project = ev.plan.project
    if not project.frameworks:
        yield negative("the plan names no framework (project.frameworks)", PLAN, key="frameworks")
        return
    yield positive(f"controls are mapped to {', '.join(project.frameworks)}", PLAN)
    if "eu-ai-act" in project.frameworks:
        if project.risk_category:
            yield positive(f"EU AI Act risk category declared: {project.risk_category}", PLAN)
        else:
            yield negative("the EU AI Act applies but the system's risk category is not declared "
                           "(project.risk_category)", PLAN, key="risk-category")
