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
    judged = False
    for evaluation, suite in ev.get(EVALUATIONS).latest_with(SUITE):
        judged = True
        key = f"{evaluation.ref}|{SUITE}"
        if suite.passed:
            yield positive(f"{evaluation.ref} meets the fairness thresholds across {', '.join(declared)}", key=key,
                           details={"metrics": dict(suite.metrics)})
        else:
            yield negative(f"{evaluation.ref} fails the fairness thresholds across {', '.join(declared)}", key=key,
                           details={"metrics": dict(suite.metrics)})
    if not judged:
        yield no_evidence(f"sensitive features {', '.join(declared)} are declared; no fairness evaluation is recorded")
