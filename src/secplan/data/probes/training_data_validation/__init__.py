"""Training data has a validation baseline and passes validation against it (DS-7)."""

from collections.abc import Iterator

from secplan.assess.evidence import Evidence
from secplan.assess.interface import Location, Result, negative, no_evidence, not_applicable, positive
from secplan.data.validate.evidence import DATA_VALIDATION
from secplan.vocabulary import Severity

NEEDS = (DATA_VALIDATION,)


def run(ev: Evidence) -> Iterator[Result]:
    validations = ev.get(DATA_VALIDATION).datasets
    if not validations:
        yield not_applicable("no existing dataset is declared with uses: [training]")
        return
    for path, result in validations.items():
        where = Location(path)
        if result.baseline is None:
            yield negative("training dataset has no baseline profile", where, key=f"no-baseline|{path}")
        elif result.skipped:
            yield no_evidence(f"{path} was not validated: {result.skipped}; run `secplan data validate`")
        elif result.error:
            yield negative(f"training dataset could not be validated: {result.error}", where, key=f"error|{path}")
        else:
            failures = [f for f in result.findings if f.severity.at_least(Severity.HIGH)]
            for f in failures:
                yield negative(f"{f.check}: {f.message}", Location(path, member=f.column), severity=f.severity,
                               key=f"{path}|{f.check}|{f.column or ''}|{f.details.get('indicator', '')}",
                               details=f.details)
            if not failures:
                yield positive(f"validated against {result.baseline}: {len(result.findings)} findings below high",
                               where, details={"baseline": result.baseline, "findings": len(result.findings)})
