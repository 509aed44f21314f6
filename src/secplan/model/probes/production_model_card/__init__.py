"""Production models have a card with intended use and limitations, bound to the signature (MS-3)."""

from collections.abc import Iterator

from secplan.assess.evidence import Evidence
from secplan.assess.interface import Location, Result, negative, not_applicable, positive
from secplan.model.registry.evidence import MODEL_REGISTRY

NEEDS = (MODEL_REGISTRY,)


def run(ev: Evidence) -> Iterator[Result]:
    production = ev.get(MODEL_REGISTRY).production
    if not production:
        yield not_applicable("no model version is in production")
        return
    for p in production:
        where = Location(p["path"] or p["ref"], member=p["ref"])
        missing = [k for k in ("intended_use", "limitations") if not p["card_info"].get(k)]
        if missing:
            yield negative(f"{p['ref']}'s model card does not state {' or '.join(missing)}", where,
                           key=f"incomplete|{p['ref']}")
        elif not p["card_digest"]:
            yield negative(f"{p['ref']}'s model card is not in a signed manifest", where, key=f"unsigned|{p['ref']}")
        else:
            yield positive(f"{p['ref']} has a model card bound to its signature", where)
