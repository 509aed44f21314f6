"""Detected classification above the declared one, or sensitive data in an undeclared dataset (DS-4)."""

from collections.abc import Iterator

from secplan.assess.evidence import Evidence
from secplan.assess.interface import Location, Result, negative, no_evidence, not_applicable, positive
from secplan.data.classify.evidence import DATA_CLASSIFICATION
from secplan.vocabulary import AssetKind, Classification, Severity

NEEDS = (DATA_CLASSIFICATION,)


def run(ev: Evidence) -> Iterator[Result]:
    datasets = [a for a in ev.assets_of(AssetKind.DATASET) if not a.encrypted and a.exists]
    if not datasets:
        yield not_applicable("the project has no readable datasets")
        return
    detected = ev.get(DATA_CLASSIFICATION)
    levels, entities, errors = detected.levels, detected.entities, detected.errors
    for asset in datasets:
        where = Location(asset.path)
        level = levels.get(asset.path)
        if level is None:
            problems = [f"{p}: {m}" for p, m in errors.items() if p == asset.path or p.startswith(asset.path + "/")]
            if problems:
                yield no_evidence(f"could not classify: {'; '.join(problems)}", location=where)
            continue
        found = Classification(level)
        what = ", ".join(entities.get(asset.path, [])) or "no sensitive entity"
        severity = Severity.HIGH if found is Classification.RESTRICTED else Severity.MEDIUM
        if asset.classification is not None:
            if found.rank > asset.classification.rank:
                yield negative(f"declared {asset.classification} but holds {found} data ({what})", where,
                               key=asset.path, severity=severity,
                               details={"declared": asset.classification.value, "detected": found.value,
                                        "entities": entities.get(asset.path, [])})
            else:
                yield positive(f"detected {found} ({what}) is within the declared {asset.classification}", where)
        elif found.at_least(Classification.CONFIDENTIAL):
            yield negative(f"undeclared dataset holds {found} data ({what})", where, key=asset.path,
                           severity=severity, details={"detected": found.value,
                                                       "entities": entities.get(asset.path, [])})
        else:
            yield positive(f"no confidential or restricted data found in a sample (detected {found})", where)
