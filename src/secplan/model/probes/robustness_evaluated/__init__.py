"""Models are robustness-tested before release (MS-4)."""

from collections.abc import Iterator

from secplan.assess.evidence import CollectorUnavailable, Evidence
from secplan.assess.interface import Result, no_evidence, not_applicable
from secplan.vocabulary import AssetKind


def run(ev: Evidence) -> Iterator[Result]:
    if not ev.assets_of(AssetKind.MODEL):
        yield not_applicable("the project has no model artifacts")
        return
    try:
        ev.get("evaluations")  # the evaluation engine's probes judge its results
    except CollectorUnavailable:
        yield no_evidence("no robustness evaluation is recorded (adversarial, perturbation, membership inference)")
