"""Models are robustness-tested before release (MS-4): evasion, perturbation, membership and extraction."""

from collections.abc import Iterator

from secplan.assess.evidence import Evidence
from secplan.assess.interface import Result, negative, no_evidence, not_applicable, positive
from secplan.model.evaluate.evidence import EVALUATIONS
from secplan.vocabulary import AssetKind

NEEDS = (EVALUATIONS,)
SUITES = ("robustness", "privacy")
"""The suites that test what an attacker can do: evasion and perturbation, membership and extraction."""


def run(ev: Evidence) -> Iterator[Result]:
    if not ev.assets_of(AssetKind.MODEL):
        yield not_applicable("the project has no model artifacts")
        return
    evaluations = ev.get(EVALUATIONS)
    judged = False
    for suite_name in SUITES:
        for evaluation, suite in evaluations.latest_with(suite_name):
            judged = True
            key = f"{evaluation.ref}|{suite_name}"
            details = {"metrics": dict(suite.metrics), "digest": evaluation.digest}
            when = f"{evaluation.created_at:%Y-%m-%d}"
            if suite.passed is not False:
                yield positive(f"{evaluation.ref} passed its {suite_name} evaluation of {when}",
                               evaluations.where(evaluation.ref), key=key, details=details)
            else:
                why = "; ".join(suite.details.get("failed", [])) or "a threshold of policy.evaluation is not met"
                yield negative(f"{evaluation.ref} failed its {suite_name} evaluation of {when}: {why}",
                               evaluations.where(evaluation.ref), key=key, details=details)
    for version in evaluations.staged():
        if evaluations.current_suite(version.ref, "robustness") is None:
            judged = True
            yield negative(f"{version.ref} is in {', '.join(version.stages)} without a robustness evaluation of its "
                           f"digest {version.digest}: run `secplan model evaluate {version.ref}`",
                           evaluations.where(version.ref), key=f"{version.ref}|unevaluated")
    if not judged:
        yield no_evidence("no robustness evaluation is recorded (adversarial, perturbation, membership inference): "
                          "run `secplan model evaluate`")
