"""Shared data goes through recorded, governed shares (DS-8)."""

from collections.abc import Iterator

from secplan.assess.evidence import Evidence
from secplan.assess.interface import Result, no_evidence, not_applicable
from secplan.data.share.evidence import SHARES
from secplan.vocabulary import AssetKind

NEEDS = ()
OPTIONAL = (SHARES,)
"""With the share engine installed, its probes judge the records."""


def run(ev: Evidence) -> Iterator[Result]:
    shared = [a for a in ev.assets_of(AssetKind.DATASET, AssetKind.MODEL, AssetKind.ENCRYPTED) if "shared" in a.uses]
    if not shared:
        yield not_applicable("no dataset or model is declared as shared with third parties")
        return
    if not ev.provides(SHARES):
        names = ", ".join(a.path for a in shared[:5])
        yield no_evidence(f"{len(shared)} asset(s) are shared ({names}) but no share records exist")
