"""Every asset has an accountable owner (HS-4)."""

from collections.abc import Iterator

from secplan.assess.evidence import Evidence
from secplan.assess.interface import Location, Result, negative, positive
from secplan.vocabulary import AssetKind

NEEDS = ()

OWNED_KINDS = (AssetKind.DATASET, AssetKind.MODEL, AssetKind.NOTEBOOK, AssetKind.INFRASTRUCTURE,
               AssetKind.SERVICE, AssetKind.ENCRYPTED)


def run(ev: Evidence) -> Iterator[Result]:
    owners = ev.plan.project.owners
    if owners:
        yield positive(f"project owners: {', '.join(owners)}", Location("secplan.yaml"))
    else:
        yield negative("the plan names no project owner", Location("secplan.yaml"), key="project")
    unowned = []
    owned = 0
    for asset in ev.assets_of(*OWNED_KINDS):
        if asset.owner or (asset.declared and owners):
            owned += 1
        else:
            unowned.append(asset)
    for asset in unowned:
        why = "not declared in the plan" if not asset.declared else "declared without an owner"
        yield negative(f"{asset.kind} has no owner ({why})", Location(asset.path), key=asset.path)
    if owned and not unowned:
        yield positive(f"all {owned} assets have an owner")
