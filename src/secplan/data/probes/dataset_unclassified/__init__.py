"""Every dataset has a declared classification (DS-4)."""

from collections.abc import Iterator

from secplan.assess.evidence import Evidence
from secplan.assess.interface import Location, Result, negative, not_applicable, positive
from secplan.vocabulary import AssetKind

NEEDS = ()


def run(ev: Evidence) -> Iterator[Result]:
    datasets = [a for a in ev.assets if a.kind is AssetKind.DATASET or
                (a.kind is AssetKind.ENCRYPTED and a.declared)]
    if not datasets:
        yield not_applicable("the project has no datasets")
        return
    for asset in datasets:
        if asset.classification:
            yield positive(f"classified {asset.classification}", Location(asset.path))
        else:
            yield negative("dataset has no declared classification", Location(asset.path), key=asset.path)
