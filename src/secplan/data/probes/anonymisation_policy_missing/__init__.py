"""Personal data used for training or shared has an anonymisation policy (DS-6)."""

from collections.abc import Iterator

from secplan.assess.evidence import Evidence
from secplan.assess.interface import Location, Result, negative, not_applicable, positive
from secplan.data.anonymize.locate import policy_for
from secplan.data.classify.evidence import DATA_CLASSIFICATION
from secplan.errors import InputError
from secplan.vocabulary import AssetKind, Classification

NEEDS = ()
OPTIONAL = (DATA_CLASSIFICATION,)
"""Detected levels add to the declared ones when the classification engine is installed."""


def _detected(ev: Evidence) -> dict[str, str]:
    """Levels the classification engine found per dataset path (empty when it is not installed)."""
    if not ev.provides(DATA_CLASSIFICATION):
        return {}
    return dict(ev.get(DATA_CLASSIFICATION).levels)


def _level(declared: Classification | None, detected: str | None) -> Classification | None:
    """The more sensitive of the declared and the detected classification."""
    found = [c for c in (declared, Classification(detected) if detected else None) if c is not None]
    return max(found, key=lambda c: c.rank) if found else None


def run(ev: Evidence) -> Iterator[Result]:
    from secplan.data.anonymize.policy import load_policy

    required = set(ev.plan.policy.anonymisation.required_for)
    min_k = ev.plan.policy.anonymisation.min_k
    candidates = [a for a in ev.assets_of(AssetKind.DATASET, AssetKind.ENCRYPTED)
                  if a.declared and required & set(a.uses)]
    detected = _detected(ev) if candidates else {}
    levels = {a.path: _level(a.classification, detected.get(a.path)) for a in candidates}
    in_scope = [a for a in candidates if levels[a.path] and levels[a.path].at_least(Classification.CONFIDENTIAL)]
    if not in_scope:
        yield not_applicable("no confidential or restricted dataset is used for "
                             f"{' or '.join(sorted(required)) or 'anything anonymisation is required for'}")
        return
    for asset in in_scope:
        where = Location(asset.path)
        if asset.anonymised:
            yield positive("the plan declares the dataset anonymised", where)
            continue
        found = policy_for(ev.root, asset.path)
        if found is None:
            yield negative(f"{levels[asset.path]} data used for {', '.join(sorted(required & set(asset.uses)))} "
                           "has no anonymisation policy", where, key=f"missing|{asset.path}",
                           details={"declared": asset.classification, "detected": detected.get(asset.path)})
            continue
        rel = found.relative_to(ev.root).as_posix()
        try:
            policy = load_policy(found)
        except InputError as exc:
            yield negative(f"anonymisation policy {rel} is invalid: {exc.message}", Location(rel),
                           key=f"invalid|{asset.path}")
            continue
        if not policy.columns and not policy.quasi_identifiers:
            yield negative(f"anonymisation policy {rel} protects no column", Location(rel), key=f"empty|{asset.path}")
        elif policy.quasi_identifiers and policy.k < min_k:
            yield negative(f"anonymisation policy {rel} targets k={policy.k}, below the plan's min_k={min_k}",
                           Location(rel), key=f"weak|{asset.path}", details={"k": policy.k, "min_k": min_k})
        else:
            yield positive(f"anonymisation policy {rel} covers the dataset", where,
                           details={"policy": rel, "k": policy.k, "l": policy.l})
