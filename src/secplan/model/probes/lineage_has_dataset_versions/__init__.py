"""Registered versions record the dataset versions they were trained on (MS-1)."""

from collections.abc import Iterator

from secplan.assess.evidence import Evidence
from secplan.assess.interface import Location, Result, negative, not_applicable, positive
from secplan.model.registry.evidence import MODEL_REGISTRY

NEEDS = (MODEL_REGISTRY,)


def run(ev: Evidence) -> Iterator[Result]:
    versions = ev.get(MODEL_REGISTRY).versions
    if not versions:
        yield not_applicable("no model versions are registered")
        return
    for v in versions:
        where = Location(v["path"], member=v["ref"])
        if v["datasets"]:
            names = ", ".join(f"{d['name']}@{d['version']}" for d in v["datasets"])
            yield positive(f"{v['ref']} was trained on {names}", where)
        else:
            yield negative(f"{v['ref']} has no dataset versions in its lineage", where, key=v["ref"])
