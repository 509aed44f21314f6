"""Model artifacts pass the static scan: nothing in them runs code on load (MS-6)."""

from collections.abc import Iterator

from secplan.assess.evidence import Evidence
from secplan.assess.interface import Location, Result, negative, no_evidence, not_applicable, positive
from secplan.model.scan.evidence import MODEL_SCAN
from secplan.model.scan.result import Verdict
from secplan.vocabulary import Severity

NEEDS = (MODEL_SCAN,)

_SEVERITY = {Verdict.UNSAFE: Severity.CRITICAL, Verdict.SUSPICIOUS: Severity.HIGH, Verdict.ERROR: Severity.HIGH}


def run(ev: Evidence) -> Iterator[Result]:
    results = ev.get(MODEL_SCAN).results
    if not results:
        yield not_applicable("the project has no model artifacts")
        return
    for path, result in results.items():
        verdict = result.verdict
        if verdict is Verdict.SAFE and result.code_on_load:
            yield positive(f"{result.assurance} {result.format} artifact: everything it imports is allowlisted, "
                           "but the format can execute code on load", Location(path))
            continue
        if verdict is Verdict.SAFE:
            yield positive(f"{result.format} artifact scanned: nothing in it runs code on load", Location(path))
            continue
        if verdict is Verdict.UNSUPPORTED:
            yield no_evidence(f"{path}: format not recognised by the scanner; review how it is loaded")
            continue
        worst = max(result.findings, key=lambda f: f.verdict.rank)
        text = f"{verdict} {result.format} artifact: {worst.message}"
        yield negative(text, Location(path, member=worst.member), severity=_SEVERITY[verdict],
                       key=f"{path}|{worst.rule}|{worst.symbol or ''}",
                       details={"rule": worst.rule, "verdict": str(verdict), "format": result.format,
                                "findings": [f.to_dict() for f in result.findings[:50]]})
