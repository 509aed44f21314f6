"""Sensitive datasets and models must not be stored in clear (DS-1)."""

from collections.abc import Iterator

from secplan.assess.evidence import Evidence
from secplan.assess.interface import Location, Result, negative, no_evidence, not_applicable, positive
from secplan.data.classify.evidence import DATA_CLASSIFICATION
from secplan.vocabulary import AssetKind, Classification

NEEDS = ()
OPTIONAL = (DATA_CLASSIFICATION,)
"""Detected levels add to the declared ones when the classification engine is installed."""


def detected_levels(ev: Evidence) -> dict[str, Classification]:
    """Classification per path from the data classification engine, when it is installed and ran."""
    if not ev.provides(DATA_CLASSIFICATION):
        return {}
    return {path: Classification(level) for path, level in ev.get(DATA_CLASSIFICATION).levels.items()}


def run(ev: Evidence) -> Iterator[Result]:
    assets = ev.assets_of(AssetKind.DATASET, AssetKind.MODEL, AssetKind.ENCRYPTED)
    if not assets:
        yield not_applicable("the project has no datasets or model artifacts")
        return
    detected = detected_levels(ev)
    judged = 0
    for asset in assets:
        levels = [lvl for lvl in (asset.classification, detected.get(asset.path)) if lvl is not None]
        if not levels:
            continue
        level = max(levels, key=lambda lvl: lvl.rank)
        if not level.at_least(Classification.CONFIDENTIAL):
            continue
        judged += 1
        where = Location(asset.path)
        if asset.encrypted:
            yield positive(f"{level} {asset.kind} is encrypted", where)
        elif asset.exists:
            yield negative(f"{level} {asset.kind} is stored in clear", where, key=asset.path)
    if not judged:
        yield no_evidence("no dataset or model is classified confidential or restricted; classify them (DS-4) "
                          "so that encryption can be checked")
