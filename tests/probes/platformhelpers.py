"""Platform scan evidence as the platform engine's collector builds it, for the platform probe cases."""

from __future__ import annotations

from secplan.compliance.evidence import COMPLIANCE_RECORDS, ComplianceRecords
from secplan.platform.evidence import PLATFORM_SCAN, PlatformScan
from secplan.platform.findings import RULES, Finding

from .cases import NE, Case, N, P


def finding(rule: str, path: str, line: int | None = 1, message: str = "", **kw) -> Finding:
    r = RULES[rule]
    return Finding(rule, r.category, r.severity, path, line, message or r.title, **kw)


def scan(*findings: Finding, files: int = 1, **kw) -> dict:
    """``{PLATFORM_SCAN: ...}`` for a case."""
    return {PLATFORM_SCAN: PlatformScan(list(findings), files=files, **kw)}


def attestation_cases(probe: str, control: str, what: str) -> list[Case]:
    """The cases of a probe that judges signed attestations of ``control``."""

    def records(*states: str) -> dict:
        rows = [{"id": n, "control": control, "state": s, "attester": "auditor@example.com",
                 "expires": "2027-06-30" if s == "current" else "2026-06-30",
                 "problem": "signature does not verify" if s == "invalid" else None}
                for n, s in enumerate(states, start=1)]
        rows.append({"id": 99, "control": "DS-1", "state": "invalid", "attester": "x", "expires": "2027-01-01",
                     "problem": "another control's attestation"})
        return {COMPLIANCE_RECORDS: ComplianceRecords(available=True, attestations=rows)}

    return [
        Case(probe, "a current attestation", (P,), evidence=records("current"),
             says=(f"attestation #1 by auditor@example.com of {what}, valid until 2027-06-30",)),
        Case(probe, "an expired one replaced by a current one", (P,), evidence=records("expired", "current")),
        Case(probe, "only an expired attestation", (N,), evidence=records("expired"),
             says=(f"attestation #1 of {what} expired on 2026-06-30",)),
        Case(probe, "a signature that does not verify", (N, P), evidence=records("invalid", "current"),
             says=("fails verification: signature does not verify",)),
        Case(probe, "no attestation", (NE,), evidence=records(), says=(f"secplan attest {control}",)),
    ]
