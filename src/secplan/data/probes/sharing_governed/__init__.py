"""Shared data goes through recorded, governed shares (DS-8)."""

from collections.abc import Iterator

from secplan.assess.evidence import CollectorUnavailable, Evidence
from secplan.assess.interface import Result, no_evidence, not_applicable
from secplan.vocabulary import AssetKind


def run(ev: Evidence) -> Iterator[Result]:
    shared = [a for a in ev.assets_of(AssetKind.DATASET, AssetKind.MODEL, AssetKind.ENCRYPTED) if "shared" in a.uses]
    if not shared:
        yield not_applicable("no dataset or model is declared as shared with third parties")
        return
    try:
        ev.get("shares")  # the share engine's probes judge the records
    except CollectorUnavailable:
        names = ", ".join(a.path for a in shared[:5])
        yield no_evidence(f"{len(shared)} asset(s) are shared ({names}) but no share records exist")
