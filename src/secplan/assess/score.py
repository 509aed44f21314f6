"""From probe results to a control's status and score (the formula is documented in docs/scoring.md).

Per probe: it *passes* when it has positive evidence and no violation left after waivers; it
*fails* when a violation remains. Its weight is its severity's weight (for a failing probe, the
worst remaining violation's). A control's score is ``10 * passing weight / judged weight``; its
status follows from what remains (see :func:`control_status`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from secplan.assess.result import FindingDoc
from secplan.vocabulary import Outcome, Severity, Status


@dataclass(frozen=True)
class ControlVerdict:
    status: Status
    score: float | None
    summary: str


def _violations(findings: Iterable[FindingDoc]) -> list[FindingDoc]:
    return [f for f in findings if f.outcome == Outcome.NEGATIVE and f.state != "waived"]


def control_status(findings: list[FindingDoc]) -> ControlVerdict:
    by_probe: dict[str, list[FindingDoc]] = defaultdict(list)
    for finding in findings:
        by_probe[finding.probe].append(finding)

    judged = passed = 0.0
    for results in by_probe.values():
        violations = _violations(results)
        positives = [f for f in results if f.outcome == Outcome.POSITIVE]
        if violations:
            judged += max(Severity(f.severity).weight for f in violations)
        elif positives:
            weight = max(Severity(f.severity).weight for f in positives)
            judged += weight
            passed += weight
    score = round(10 * passed / judged, 1) if judged else None

    violations = _violations(findings)
    waived = [f for f in findings if f.outcome == Outcome.NEGATIVE and f.state == "waived"]
    errors = [f for f in findings if f.outcome == Outcome.ERROR]
    no_evidence = [f for f in findings if f.outcome == Outcome.NO_EVIDENCE]
    positives = [f for f in findings if f.outcome == Outcome.POSITIVE]

    if violations:
        worst = max(violations, key=lambda f: Severity(f.severity).rank)
        severe = Severity(worst.severity).at_least(Severity.HIGH)
        text = f"{len(violations)} finding{'s' if len(violations) != 1 else ''}, worst {worst.severity}: {worst.message}"
        if severe or not passed:
            return ControlVerdict(Status.FAIL, score, text)
        return ControlVerdict(Status.PARTIAL, score, text)
    if waived:
        return ControlVerdict(Status.WAIVED, score, f"{len(waived)} finding(s) waived; {len(positives)} passing check(s)")
    if positives:
        if errors:
            return ControlVerdict(Status.PARTIAL, score, f"passing checks, but a probe failed to run: {errors[0].message}")
        if no_evidence:
            return ControlVerdict(
                Status.PARTIAL, score, f"{len(positives)} passing check(s); still to evidence: {no_evidence[0].message}"
            )
        return ControlVerdict(Status.PASS, score, f"{len(positives)} passing check(s), no findings")
    if errors:
        return ControlVerdict(Status.ERROR, None, errors[0].message)
    if no_evidence:
        return ControlVerdict(Status.MANUAL, None, no_evidence[0].message)
    if findings:
        return ControlVerdict(Status.NOT_APPLICABLE, None, findings[0].message)
    return ControlVerdict(Status.MANUAL, None, "no probe produced evidence for this control")


def mean(scores: Iterable[float | None]) -> float | None:
    values = [s for s in scores if s is not None]
    return round(sum(values) / len(values), 1) if values else None
