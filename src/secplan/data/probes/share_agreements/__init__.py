"""Every recorded share names an agreement and is within its expiry or revoked (DS-8)."""

from collections.abc import Iterator

from secplan.assess.evidence import Evidence
from secplan.assess.interface import Location, Result, negative, no_evidence, not_applicable, positive
from secplan.data.share.evidence import SHARES
from secplan.vocabulary import AssetKind

NEEDS = (SHARES,)


def run(ev: Evidence) -> Iterator[Result]:
    shares = ev.get(SHARES).shares
    declared = [a for a in ev.assets_of(AssetKind.DATASET, AssetKind.MODEL, AssetKind.ENCRYPTED)
                if "shared" in a.uses]
    if not shares:
        if declared:
            yield no_evidence(f"{len(declared)} asset(s) are declared shared but no share is recorded; "
                              "share them with `secplan share create`")
        else:
            yield not_applicable("no share is recorded and no asset is declared shared")
        return
    for share in shares:
        where = Location(share.file)
        label = f"share {share.id[:8]} of {share.file} to {share.recipient[:16]}..."
        if share.revoked_at is not None:
            continue
        if not share.agreement:
            yield negative(f"{label} names no data-sharing agreement", where, key=f"no-agreement|{share.id}")
        if share.expired(ev.today):
            yield negative(f"{label} expired on {share.expires} and is not revoked", where,
                           key=f"expired|{share.id}")
        if share.agreement and not share.expired(ev.today):
            yield positive(f"{label} under agreement {share.agreement}, expires {share.expires}", where)
    if all(s.revoked_at is not None for s in shares):
        yield not_applicable(f"all {len(shares)} recorded share(s) are revoked")
