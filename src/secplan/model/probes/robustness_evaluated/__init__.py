"""Models are robustness-tested before release (MS-4)."""

from collections.abc import Iterator

from secplan.assess.evidence import Evidence
from secplan.assess.interface import Result, negative, no_evidence, not_applicable, positive
from secplan.model.evaluate.evidence import EVALUATIONS
from secplan.vocabulary import AssetKind

NEEDS = (EVALUATIONS,)
SUITE = "robustness"


def run(ev: Evidence) -> Iterator[Result]:
    if not ev.assets_of(AssetKind.MODEL):
        yield not_applicable("the project has no model artifacts")
        return
    judged = False
    for evaluation, suite in ev.get(EVALUATIONS).latest_with(SUITE):
        judged = True
        key = f"{evaluation.ref}|{SUITE}"
        metrics = dict(suite.metrics)
        if suite.passed:
            yield positive(f"{evaluation.ref} passed its robustness evaluation of {evaluation.created_at:%Y-%m-%d}",
                           key=key, details={"metrics": metrics})
        else:
            yield negative(f"{evaluation.ref} failed its robustness evaluation of {evaluation.created_at:%Y-%m-%d}",
                           key=key, details={"metrics": metrics})
    if not judged:
        yield no_evidence("no robustness evaluation is recorded (adversarial, perturbation, membership inference): "
                          "run `secplan model evaluate`")
