"""Production versions verify and went through every promotion gate (MS-6)."""

from collections.abc import Iterator

from secplan.assess.evidence import Evidence
from secplan.assess.interface import Location, Result, negative, not_applicable, positive
from secplan.model.registry.evidence import MODEL_REGISTRY

NEEDS = (MODEL_REGISTRY,)

REQUIRED_GATES = ("signature", "scan", "evaluation", "approval")


def run(ev: Evidence) -> Iterator[Result]:
    production = ev.get(MODEL_REGISTRY).production
    if not production:
        yield not_applicable("no model version is in production")
        return
    for p in production:
        where = Location(p["path"] or p["ref"], member=p["ref"])
        met = {g["gate"] for g in p["gates"] if g.get("met")}
        skipped = [g for g in REQUIRED_GATES if g not in met]
        if p["problems"]:
            yield negative(f"production version {p['ref']} fails verification: {'; '.join(p['problems'])}",
                           where, key=f"unverified|{p['ref']}")
        elif skipped:
            yield negative(f"{p['ref']} reached production without the gates: {', '.join(skipped)}", where,
                           key=f"ungated|{p['ref']}")
        else:
            yield positive(f"production version {p['ref']} verifies and passed every gate", where)
