"""A realistic assessment document for the writers: all 32 controls, every status, every finding state.

Built from the real control catalogue so that titles, pillars and framework mappings are the
ones users see; finding messages include hostile text (markup, quotes, pipes) on purpose.
"""

from __future__ import annotations

import datetime as dt

import pytest

from secplan.assess.result import (
    AssessmentDoc,
    ControlDoc,
    FindingDoc,
    LocationDoc,
    PillarDoc,
    ProbeRunDoc,
    WaiverDoc,
)
from secplan.plan.catalogue import load_catalogue
from secplan.vocabulary import Outcome, Pillar, Severity, Status

HOSTILE = '<script>alert("x")</script> & | *bold* `tick`'

#: Status per control, chosen so every status occurs and each pillar has a mix.
STATUSES = {
    "DS-1": Status.FAIL, "DS-2": Status.PASS, "DS-3": Status.PARTIAL, "DS-4": Status.FAIL,
    "DS-5": Status.MANUAL, "DS-6": Status.NOT_APPLICABLE, "DS-7": Status.PASS, "DS-8": Status.WAIVED,
    "MS-1": Status.FAIL, "MS-2": Status.MANUAL, "MS-3": Status.PASS, "MS-4": Status.ERROR,
    "MS-5": Status.MANUAL, "MS-6": Status.PARTIAL,
    "PS-1": Status.FAIL, "PS-2": Status.PARTIAL, "PS-3": Status.PASS, "PS-4": Status.MANUAL,
    "PS-5": Status.NOT_APPLICABLE, "PS-6": Status.MANUAL, "PS-7": Status.FAIL,
    "CS-1": Status.PASS, "CS-2": Status.MANUAL, "CS-3": Status.PARTIAL, "CS-4": Status.PASS,
    "CS-5": Status.FAIL, "CS-6": Status.MANUAL,
    "HS-1": Status.MANUAL, "HS-2": Status.PASS, "HS-3": Status.MANUAL, "HS-4": Status.PARTIAL, "HS-5": Status.PASS,
}  # fmt: skip

SCORES = {Status.PASS: 10.0, Status.FAIL: 2.5, Status.PARTIAL: 6.0, Status.WAIVED: 10.0}


def finding(
    control: str,
    probe: str,
    n: int,
    severity: Severity,
    message: str,
    *,
    outcome: Outcome = Outcome.NEGATIVE,
    state: str | None = "open",
    path: str | None = None,
    line: int | None = None,
    member: str | None = None,
    waiver: str | None = None,
) -> FindingDoc:
    location = LocationDoc(path=path, line=line, member=member) if path else None
    return FindingDoc(
        id=f"{probe}/{n:012x}",
        probe=probe,
        control=control,
        severity=severity,
        outcome=outcome,
        message=message,
        location=location,
        state=state if outcome == Outcome.NEGATIVE else None,
        waiver=waiver,
        remediation=f"Fix it: see the {probe} guidance." if outcome == Outcome.NEGATIVE else None,
    )


def findings_for(control: str, status: Status) -> list[FindingDoc]:
    """Findings consistent with the status: open ones for fail/partial, evidence for pass."""
    key = control.lower().replace("-", "")
    probe = f"{key}-check"
    if control == "DS-1":
        return [
            finding(
                control,
                "sensitive-data-in-clear",
                1,
                Severity.HIGH,
                "customers.csv holds personal data in clear",
                path="data/customers.csv",
                member="column email",
            ),
            finding(
                control,
                "sensitive-data-in-clear",
                2,
                Severity.CRITICAL,
                HOSTILE,
                path="data/raw dump.parquet",
                line=None,
            ),
            finding(
                control,
                "sensitive-data-in-clear",
                3,
                Severity.HIGH,
                "old export waived for migration",
                state="waived",
                path="data/old.csv",
                waiver="sensitive-data-in-clear/000000000003",
            ),
        ]
    if control == "MS-1":
        return [
            finding(
                control,
                "unsafe-model-format",
                4,
                Severity.HIGH,
                "model.pkl uses pickle, which runs code on load",
                path="models/model.pkl",
            ),
            finding(
                control,
                "unsafe-model-format",
                5,
                Severity.HIGH,
                "known pickle from last release",
                state="baseline",
                path="models/legacy.pkl",
            ),
            finding(
                control,
                "model-registered",
                6,
                Severity.INFO,
                "model.safetensors is registered",
                outcome=Outcome.POSITIVE,
                path="models/model.safetensors",
            ),
        ]
    if control == "PS-7":
        return [
            finding(
                control,
                "dockerfile-runs-as-root",
                7,
                Severity.MEDIUM,
                "Dockerfile runs as root",
                path="Dockerfile",
                line=12,
            ),
            finding(
                control,
                "k8s-privileged",
                8,
                Severity.HIGH,
                "container may escalate privileges",
                path="deploy/app.yaml",
                line=27,
                member="spec.containers[0]",
            ),
        ]
    if control == "PS-1":
        return [
            finding(
                control,
                "vulnerable-dependency",
                9 + i,
                sev,
                f"requests 2.19.0 has {cve}",
                path="requirements.txt",
                line=3 + i,
            )
            for i, (sev, cve) in enumerate(
                [
                    (Severity.CRITICAL, "GHSA-aaaa-bbbb-cccc"),
                    (Severity.MEDIUM, "PYSEC-2023-74"),
                    (Severity.LOW, "CVE-2018-18074"),
                ]
            )
        ]
    if control == "CS-5":
        return [
            finding(control, "assessment-cadence", 20, Severity.MEDIUM, "no assessment in the last 90 days")
        ]
    if status in (Status.FAIL, Status.PARTIAL):
        return [
            finding(
                control,
                probe,
                30 + len(key),
                Severity.LOW,
                f"{control}: evidence incomplete | see plan",
                path="secplan.yaml",
                line=5,
            ),
            finding(
                control,
                f"{key}-evidence",
                60 + len(key),
                Severity.INFO,
                f"{control} has partial evidence",
                outcome=Outcome.POSITIVE,
            ),
        ]
    if status == Status.PASS:
        return [
            finding(
                control,
                probe,
                90 + len(key),
                Severity.INFO,
                f"{control} is met",
                outcome=Outcome.POSITIVE,
                path="secplan.yaml",
            )
        ]
    if status == Status.WAIVED:
        return [
            finding(
                control,
                probe,
                120,
                Severity.MEDIUM,
                "no share agreement recorded",
                state="waived",
                waiver=control,
            )
        ]
    if status == Status.MANUAL:
        return [
            finding(
                control,
                probe,
                150 + len(key),
                Severity.INFO,
                f"record evidence for {control} in the store",
                outcome=Outcome.NO_EVIDENCE,
            )
        ]
    if status == Status.ERROR:
        return [
            finding(control, probe, 200, Severity.MEDIUM, "probe crashed: ValueError", outcome=Outcome.ERROR)
        ]
    return [
        finding(
            control,
            probe,
            250,
            Severity.INFO,
            "no datasets with personal data",
            outcome=Outcome.NOT_APPLICABLE,
        )
    ]


def summary_for(status: Status) -> str:
    return {
        Status.PASS: "All probes found evidence the control is met.",
        Status.FAIL: "Open findings at high severity or above.",
        Status.PARTIAL: "Some evidence, some open findings.",
        Status.MANUAL: "No evidence to judge by: a person must look.",
        Status.WAIVED: "Every finding is covered by an active waiver.",
        Status.NOT_APPLICABLE: "The project has nothing this control concerns.",
        Status.ERROR: "A probe could not run.",
    }[status]


def build_doc(fail_on: Severity = Severity.HIGH) -> AssessmentDoc:
    controls = []
    for control in load_catalogue():
        status = STATUSES[control.id]
        controls.append(
            ControlDoc(
                id=control.id,
                pillar=control.pillar,
                title=control.title,
                status=status,
                score=SCORES.get(status),
                summary=summary_for(status),
                asks=control.asks,
                checks=control.checks,
                frameworks={k: list(v) for k, v in control.frameworks.items()},
                findings=findings_for(control.id, status),
            )
        )
    pillars = []
    for pillar in Pillar:
        members = [c for c in controls if c.pillar == pillar]
        scored = [c.score for c in members if c.score is not None]
        counts = {s: sum(1 for c in members if c.status == s) for s in Status}
        pillars.append(
            PillarDoc(
                id=pillar,
                title=pillar.title,
                score=sum(scored) / len(scored) if scored else None,
                counts=counts,
            )
        )
    scored = [c.score for c in controls if c.score is not None]
    open_ = [f for c in controls for f in c.findings if f.outcome == Outcome.NEGATIVE and f.state == "open"]
    return AssessmentDoc(
        tool={"name": "secplan", "version": "0.1.0"},
        project={"name": "credit-risk", "root": "examples/credit-risk"},
        generated_at=dt.datetime(2026, 11, 25, 12, 0, tzinfo=dt.UTC),
        today=dt.date(2026, 11, 25),
        score=sum(scored) / len(scored),
        coverage=sum(
            1 for c in controls if c.status not in (Status.MANUAL, Status.NOT_APPLICABLE, Status.ERROR)
        )
        / len(controls),
        counts={s: sum(1 for c in controls if c.status == s) for s in Status},
        severity_counts={s: sum(1 for f in open_ if f.severity == s) for s in Severity},
        fail_on=fail_on,
        failed=any(f.severity.at_least(fail_on) for f in open_),
        pillars=pillars,
        controls=controls,
        waivers=[
            WaiverDoc(
                target="sensitive-data-in-clear/000000000003",
                reason="migration in progress",
                approver="cso",
                expires=dt.date(2027, 1, 31),
                state="active",
                matched=1,
            ),
            WaiverDoc(
                target="DS-8",
                reason="no third-party sharing yet",
                approver="dpo",
                expires=dt.date(2027, 6, 30),
                state="active",
                matched=1,
            ),
            WaiverDoc(
                target="PS-1",
                reason="upgrade planned",
                approver="cto",
                expires=dt.date(2026, 10, 1),
                state="expired",
                matched=3,
            ),
            WaiverDoc(
                target="gone-probe/123456789abc",
                reason="obsolete",
                approver="cso",
                expires=dt.date(2027, 3, 1),
                state="unmatched",
                matched=0,
            ),
        ],
        baseline="report-previous.json",
        probes=[
            ProbeRunDoc(id="sensitive-data-in-clear", control="DS-1", seconds=0.12, results=3),
            ProbeRunDoc(
                id="ms4-check", control="MS-4", seconds=0.01, results=0, error="ValueError: bad input"
            ),
        ],
    )


@pytest.fixture
def doc() -> AssessmentDoc:
    return build_doc()


@pytest.fixture
def clean_doc() -> AssessmentDoc:
    """A document whose gate passes: fail_on=critical and no critical finding left."""
    d = build_doc(fail_on=Severity.CRITICAL)
    for control in d.controls:
        control.findings = [f for f in control.findings if f.severity != Severity.CRITICAL]
    d.severity_counts[Severity.CRITICAL] = 0
    d.failed = False
    return d


@pytest.fixture
def empty_doc() -> AssessmentDoc:
    """A first run with no evidence at all: every control manual, no score, no findings, no waivers."""
    d = build_doc()
    for control in d.controls:
        control.status = Status.MANUAL
        control.score = None
        control.findings = []
    for pillar in d.pillars:
        pillar.score = None
        pillar.counts = {Status.MANUAL: sum(c.pillar == pillar.id for c in d.controls)}
    d.score = None
    d.coverage = 0.0
    d.counts = {Status.MANUAL: 32}
    d.severity_counts = {}
    d.failed = False
    d.waivers = []
    d.baseline = None
    d.probes = []
    return d
