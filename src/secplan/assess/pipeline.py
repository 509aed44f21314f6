"""collect -> probe -> score: assess a project against the plan and build the report document."""

from __future__ import annotations

import datetime as dt
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

from secplan import __version__
from secplan.assess.evidence import Evidence
from secplan.assess.interface import EvidenceKey, EvidenceUnavailable, Result
from secplan.assess.registry import Probe, all_probes
from secplan.assess.result import (
    AssessmentDoc,
    ControlDoc,
    FindingDoc,
    LocationDoc,
    PillarDoc,
    ProbeRunDoc,
    WaiverDoc,
)
from secplan.assess.score import control_status, mean
from secplan.fsutil import path_text, safe_text
from secplan.plan.catalogue import load_catalogue
from secplan.plan.model import Plan, Waiver
from secplan.vocabulary import Outcome, Pillar, Severity, Status

ProgressCallback = Callable[[Probe], None]


def run_probe(probe: Probe, ev: Evidence) -> tuple[list[Result], str | None]:
    """Run one probe on the evidence it declared; a probe that cannot run (a bad declaration, needed
    evidence no installed engine provides, an exception) gives one ``error`` result, never a crash."""
    if probe.problem:
        message = probe.problem
    elif missing := probe.unavailable(ev):
        message = "; ".join(_unavailable_message(k) for k in missing)
    else:
        try:
            return list(probe.run(probe.view(ev))), None
        except EvidenceUnavailable as exc:  # an OPTIONAL key read without asking ev.provides() first
            message = _unavailable_message(exc.key)
        except Exception as exc:  # a probe bug or unreadable evidence must not stop the other 31 controls
            message = f"{type(exc).__name__}: {exc}"
    return [Result(Outcome.ERROR, f"probe {probe.id} could not run: {message}")], message


def _unavailable_message(key: EvidenceKey[Any]) -> str:
    return f"no installed engine provides {key.name}" + (f": {key.description}" if key.description else "")


def _finding(probe: Probe, result: Result) -> FindingDoc:
    d = probe.definition
    location = None
    if result.location is not None:
        member = result.location.member
        location = LocationDoc(path=path_text(result.location.path), line=result.location.line,
                               member=safe_text(member) if member is not None else None)
    negative = result.outcome == Outcome.NEGATIVE
    return FindingDoc(
        id=result.fingerprint(d.id),
        probe=d.id,
        control=d.control,
        severity=result.severity or d.severity,
        outcome=result.outcome,
        message=safe_text(result.message),
        location=location,
        state="open" if negative else None,
        remediation=(result.remediation or d.remediation) if negative else None,
        details=result.details,
    )


def _waiver_covers(waiver: Waiver, finding: FindingDoc) -> bool:
    target = waiver.target
    return target in (finding.control, finding.probe, finding.id)


def apply_waivers(findings: list[FindingDoc], waivers: list[Waiver], today: dt.date) -> list[WaiverDoc]:
    """Mark negative findings covered by an active waiver as waived; report every waiver's state."""
    docs = []
    for waiver in waivers:
        covered = [f for f in findings if f.outcome == Outcome.NEGATIVE and _waiver_covers(waiver, f)]
        expired = waiver.is_expired(today)
        if not expired:
            for finding in covered:
                if finding.state == "open":
                    finding.state = "waived"
                    finding.waiver = waiver.target
        state = "expired" if expired else ("active" if covered else "unmatched")
        docs.append(WaiverDoc(target=waiver.target, reason=waiver.reason, approver=waiver.approver,
                              expires=waiver.expires, state=state, matched=len(covered)))
    return docs


def load_baseline(path: Path) -> set[str]:
    """Finding ids that a previous JSON report already knew (any negative finding)."""
    from secplan.report.jsondoc import load_report

    doc = load_report(path)
    return {f.id for c in doc.controls for f in c.findings if f.outcome == Outcome.NEGATIVE}


def assess(
    root: Path,
    plan: Plan,
    *,
    today: dt.date | None = None,
    fail_on: Severity = Severity.HIGH,
    baseline: Path | None = None,
    evidence: Evidence | None = None,
    on_probe: ProgressCallback | None = None,
) -> AssessmentDoc:
    started = dt.datetime.now(dt.UTC)
    ev = evidence or Evidence(root, plan, today=today)
    known = load_baseline(baseline) if baseline else set()

    findings: list[FindingDoc] = []
    runs: list[ProbeRunDoc] = []
    for probe in all_probes():
        t0 = time.perf_counter()
        results, error = run_probe(probe, ev)
        runs.append(ProbeRunDoc(id=probe.id, control=probe.definition.control,
                                seconds=round(time.perf_counter() - t0, 4), results=len(results), error=error))
        findings.extend(_finding(probe, r) for r in results)
        if on_probe:
            on_probe(probe)

    waivers = apply_waivers(findings, plan.waivers, ev.today)
    for finding in findings:
        if finding.state == "open" and finding.id in known:
            finding.state = "baseline"

    controls = []
    for control in load_catalogue():
        own = [f for f in findings if f.control == control.id]
        own.sort(key=lambda f: (f.outcome != Outcome.NEGATIVE, -Severity(f.severity).rank, f.id))
        verdict = control_status(own)
        controls.append(ControlDoc(
            id=control.id, pillar=control.pillar, title=control.title, status=verdict.status,
            score=verdict.score, summary=verdict.summary, asks=control.asks, checks=control.checks,
            frameworks={k: list(v) for k, v in control.frameworks.items()}, findings=own,
        ))

    pillars = []
    for pillar in Pillar:
        mine = [c for c in controls if c.pillar == pillar]
        pillars.append(PillarDoc(id=pillar, title=pillar.title, score=mean(c.score for c in mine),
                                 counts=_status_counts(mine)))

    open_negatives = [f for f in findings if f.outcome == Outcome.NEGATIVE and f.state == "open"]
    judged = [c for c in controls if c.status in (Status.PASS, Status.FAIL, Status.PARTIAL, Status.WAIVED)]
    return AssessmentDoc(
        tool={"name": "secplan", "version": __version__},
        project={"name": plan.project.name, "root": str(ev.root)},
        generated_at=started,
        today=ev.today,
        score=mean(c.score for c in controls),
        coverage=round(len(judged) / len(controls), 3),
        counts=_status_counts(controls),
        severity_counts={s: sum(1 for f in open_negatives if f.severity == s) for s in Severity},
        fail_on=fail_on,
        failed=any(Severity(f.severity).at_least(fail_on) for f in open_negatives),
        pillars=pillars,
        controls=controls,
        waivers=waivers,
        baseline=str(baseline) if baseline else None,
        probes=runs,
    )


def _status_counts(controls: list[ControlDoc]) -> dict[Status, int]:
    counts = Counter(c.status for c in controls)
    return {status: counts.get(status, 0) for status in Status}
