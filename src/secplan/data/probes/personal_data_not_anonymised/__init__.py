"""Sensitive data used for training or shared is anonymised (DS-6)."""

from collections.abc import Iterator

from secplan.assess.evidence import Evidence
from secplan.assess.interface import Location, Result, negative, no_evidence, not_applicable, positive
from secplan.vocabulary import AssetKind, Classification

NEEDS = ()


def run(ev: Evidence) -> Iterator[Result]:
    required = set(ev.plan.policy.anonymisation.required_for)
    datasets = ev.assets_of(AssetKind.DATASET, AssetKind.ENCRYPTED)
    if not datasets:
        yield not_applicable("the project has no datasets")
        return
    in_scope = [a for a in datasets if required & set(a.uses)]
    if not in_scope:
        yield no_evidence("no dataset declares its uses (training, shared, ...); anonymisation needs cannot be judged")
        return
    judged = False
    for asset in in_scope:
        if not asset.classification:
            continue
        if not asset.classification.at_least(Classification.CONFIDENTIAL):
            continue
        judged = True
        uses = ", ".join(sorted(required & set(asset.uses)))
        if asset.anonymised:
            yield positive(f"{asset.classification} data used for {uses} is anonymised", Location(asset.path))
        else:
            yield negative(f"{asset.classification} data used for {uses} is not anonymised", Location(asset.path),
                           key=asset.path)
    if not judged:
        yield not_applicable("no confidential or restricted dataset is used for training or shared")
