"""The project's data and models are backed up (DS-5)."""

from collections.abc import Iterator

from secplan.assess.evidence import CollectorUnavailable, Evidence
from secplan.assess.interface import Location, Result, negative, no_evidence, not_applicable
from secplan.vocabulary import AssetKind


def run(ev: Evidence) -> Iterator[Result]:
    if not ev.assets_of(AssetKind.DATASET, AssetKind.MODEL, AssetKind.ENCRYPTED):
        yield not_applicable("the project has no datasets or model artifacts to back up")
        return
    if not ev.plan.policy.backup.repository:
        yield negative("no backup repository is declared (policy.backup.repository)", Location("secplan.yaml"),
                       key="no-repository")
        return
    try:
        ev.get("backups")  # the backup engine's own probes judge its records
    except CollectorUnavailable:
        yield no_evidence("a backup repository is declared but no backup engine records exist; "
                          "show the last verified backup and restore drill")
