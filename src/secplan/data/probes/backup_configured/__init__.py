"""The project's data and models are backed up (DS-5)."""

from collections.abc import Iterator

from secplan.assess.evidence import Evidence
from secplan.assess.interface import Location, Result, negative, no_evidence, not_applicable
from secplan.data.backup.evidence import BACKUPS
from secplan.vocabulary import AssetKind

NEEDS = ()
OPTIONAL = (BACKUPS,)
"""With the backup engine installed, its own probes judge its records."""


def run(ev: Evidence) -> Iterator[Result]:
    if not ev.assets_of(AssetKind.DATASET, AssetKind.MODEL, AssetKind.ENCRYPTED):
        yield not_applicable("the project has no datasets or model artifacts to back up")
        return
    if not ev.plan.policy.backup.repository:
        yield negative("no backup repository is declared (policy.backup.repository)", Location("secplan.yaml"),
                       key="no-repository")
        return
    if not ev.provides(BACKUPS):
        yield no_evidence("a backup repository is declared but no backup engine records exist; "
                          "show the last verified backup and restore drill")
