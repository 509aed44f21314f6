"""Sensitive attributes are declared and fairness evaluated (CS-2)."""

import re
from collections.abc import Iterator

from secplan.assess.evidence import Evidence
from secplan.assess.files import column_names
from secplan.assess.interface import Location, Result, negative, no_evidence, not_applicable, positive
from secplan.model.evaluate.evidence import EVALUATIONS
from secplan.vocabulary import AssetKind

NEEDS = (EVALUATIONS,)
SUITE = "fairness"

PROTECTED = re.compile(r"(^|_)(sex|gender|age|birth|dob|race|ethnic\w*|religio\w*|nationality|citizenship|"
                       r"disab\w*|marital\w*|pregnan\w*|sexual\w*|orientation)($|_)")


def run(ev: Evidence) -> Iterator[Result]:
    found: dict[str, list[str]] = {}
    for asset in ev.assets_of(AssetKind.DATASET):
        if asset.exists:
            cols = [c for c in column_names(ev.root / asset.path) if PROTECTED.search(c)]
            if cols:
                found[asset.path] = cols
    declared = ev.plan.policy.fairness.sensitive_features
    if not found and not declared:
        yield not_applicable("no protected attributes found in the datasets' columns and none declared")
        return
    if not declared:
        for path, cols in found.items():
            yield negative(f"protected attributes {', '.join(cols)} in the data, but no fairness policy "
                           "declares sensitive features", Location(path), key=path)
        return
    evaluations = ev.get(EVALUATIONS)
    judged = False
    for evaluation, suite in evaluations.latest_with(SUITE):
        judged = True
        key = f"{evaluation.ref}|{SUITE}"
        where = evaluations.where(evaluation.ref)
        details = {"metrics": dict(suite.metrics), "digest": evaluation.digest,
                   "features": list(suite.details.get("features", []))}
        proxies = list(suite.details.get("proxies", []))
        if suite.passed is False:
            why = "; ".join(suite.details.get("failed", [])) or "a threshold of policy.evaluation is not met"
            yield negative(f"{evaluation.ref} fails the fairness thresholds: {why}", where, key=key, details=details)
        elif not suite.details.get("features", True):
            yield negative(f"{evaluation.ref}'s fairness evaluation measured no sensitive feature (declared: "
                           f"{', '.join(declared)}); give them with --sensitive", where, key=key)
        else:
            yield positive(f"{evaluation.ref} meets the fairness thresholds across "
                           f"{', '.join(suite.details.get('features', declared))}", where, key=key, details=details)
        if proxies:
            yield negative(f"{evaluation.ref} reads {', '.join(proxies)}, which predict a sensitive attribute that "
                           "is not a model input (a proxy can carry the bias the attribute would)", where,
                           key=f"{evaluation.ref}|proxy", details={"proxies": proxies})
    for version in evaluations.versions:
        if (version.sensitive_data or version.stages) and evaluations.current_suite(version.ref, SUITE) is None:
            judged = True
            why = "trained on confidential or restricted data" if version.sensitive_data else \
                f"in {', '.join(version.stages)}"
            yield negative(f"{version.ref} is {why} and has no fairness evaluation of its digest across "
                           f"{', '.join(declared)}: run `secplan model evaluate {version.ref} --suite fairness`",
                           evaluations.where(version.ref), key=f"{version.ref}|unevaluated")
    if not judged:
        yield no_evidence(f"sensitive features {', '.join(declared)} are declared; no fairness evaluation is recorded")
