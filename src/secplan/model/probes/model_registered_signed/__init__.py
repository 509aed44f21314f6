"""Every model artifact is registered, unchanged and signed with a signature that verifies (MS-1)."""

from collections.abc import Iterator

from secplan.assess.evidence import Evidence
from secplan.assess.interface import Location, Result, negative, not_applicable, positive
from secplan.model.registry.evidence import MODEL_REGISTRY

NEEDS = (MODEL_REGISTRY,)


def run(ev: Evidence) -> Iterator[Result]:
    registry = ev.get(MODEL_REGISTRY)
    if not registry.artifacts:
        yield not_applicable("the project has no model artifacts")
        return
    for art in registry.artifacts:
        where = Location(art.path)
        if art.version is None:
            yield negative("model artifact is not registered", where, key=f"unregistered|{art.path}")
        elif not art.matches:
            yield negative(f"model artifact changed since it was registered as {art.version}", where,
                           key=f"changed|{art.path}")
        elif not art.signed:
            yield negative(f"registered version {art.version} is not signed", where, key=f"unsigned|{art.path}")
        elif not art.verified:
            yield negative(f"{art.version} fails verification: {'; '.join(art.problems)}", where,
                           key=f"unverified|{art.path}")
        else:
            yield positive(f"registered as {art.version}, signed, signature verifies", where)
