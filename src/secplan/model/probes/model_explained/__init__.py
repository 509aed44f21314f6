"""Model versions are explained by a current evaluation, which their card then shows (MS-3)."""

from collections.abc import Iterator

from secplan.assess.evidence import Evidence
from secplan.assess.interface import Result, negative, no_evidence, not_applicable, positive
from secplan.model.evaluate.evidence import EVALUATIONS
from secplan.vocabulary import AssetKind

NEEDS = (EVALUATIONS,)


def run(ev: Evidence) -> Iterator[Result]:
    if not ev.assets_of(AssetKind.MODEL):
        yield not_applicable("the project has no model artifacts")
        return
    evaluations = ev.get(EVALUATIONS)
    if not evaluations.versions:
        yield no_evidence("no model version is registered, so none can be explained: register it with "
                          "`secplan model register` and run `secplan model evaluate`")
        return
    for version in evaluations.versions:
        where = evaluations.where(version.ref)
        explain = evaluations.current_suite(version.ref, "explain")
        top = list(explain.details.get("top_features", [])) if explain is not None else []
        if top:
            yield positive(f"{version.ref} is explained: top features {', '.join(top[:3])} (permutation importance); "
                           "its model card shows the evaluation", where, details={"importance": dict(explain.metrics)})
        elif evaluations.current(version.ref) is None:
            yield negative(f"{version.ref} has no evaluation of its digest, so neither explanations nor evaluation "
                           f"results are in its model card: run `secplan model evaluate {version.ref}`", where,
                           key=f"{version.ref}|unevaluated")
        else:
            yield negative(f"{version.ref}'s evaluation has no explanation (the explain suite did not run): "
                           f"run `secplan model evaluate {version.ref} --suite explain`", where,
                           key=f"{version.ref}|unexplained")
