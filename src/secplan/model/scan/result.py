"""The scanner's one result model: findings, per-file results and the report, shared by every writer."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from secplan import findings as common
from secplan.vocabulary import Severity

CONTROL = "MS-6"
"""Artifacts that run code when loaded are a deployment risk (secure deployment)."""


class Verdict(StrEnum):
    """What a file is, as a whole. Ordered by precedence: the worst finding decides."""

    SAFE = "safe"
    UNSUPPORTED = "unsupported"
    ERROR = "error"
    SUSPICIOUS = "suspicious"
    UNSAFE = "unsafe"

    @property
    def rank(self) -> int:
        return _RANK[self]


NO_UNSAFE_CODE = "no-unsafe-code"
"""A safe verdict on a format that executes code on load: nothing unsafe was found in it, which is
less than data-only (the allowlist decides)."""

_RANK = {Verdict.SAFE: 0, Verdict.UNSUPPORTED: 1, Verdict.ERROR: 2, Verdict.SUSPICIOUS: 3, Verdict.UNSAFE: 4}

#: The severity a finding of each verdict carries. An artifact that could not be fully analysed is
#: high, as the assessment's model-artifact-unsafe probe rates it: one severity for one problem.
VERDICT_SEVERITY = {
    Verdict.UNSAFE: Severity.CRITICAL,
    Verdict.SUSPICIOUS: Severity.HIGH,
    Verdict.ERROR: Severity.HIGH,
    Verdict.UNSUPPORTED: Severity.LOW,
    Verdict.SAFE: Severity.INFO,
}


@dataclass(frozen=True)
class Finding:
    """One thing the scanner noticed, with where it is and why it matters."""

    rule: str
    """Stable rule id (``pickle-dangerous-global``...); one SARIF rule each."""
    verdict: Verdict
    """What this finding makes of the file (``safe`` for informational notes)."""
    message: str
    member: str | None = None
    """Path inside the container chain, ``outer.tar!archive/data.pkl``; None for the file itself."""
    offset: int | None = None
    """Byte offset inside the member (or file) where the evidence starts."""
    symbol: str | None = None
    """The fully-qualified global or class name concerned, when there is one."""

    @property
    def severity(self) -> Severity:
        return VERDICT_SEVERITY[self.verdict]

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"rule": self.rule, "severity": str(self.severity), "verdict": str(self.verdict),
                                "message": self.message}
        for key in ("member", "offset", "symbol"):
            value = getattr(self, key)
            if value is not None:
                data[key] = value
        return data


@dataclass
class FileResult:
    """The scan of one file given on the command line or found in a directory."""

    path: str
    format: str = "unknown"
    findings: list[Finding] = field(default_factory=list)
    size: int = 0
    external_data: list[str] = field(default_factory=list)
    """Files this artifact reads its weights from (ONNX external data), resolved inside its directory."""
    code_on_load: bool = False
    """The format runs code when loaded (a pickle, a TorchScript archive): a ``safe`` verdict then means
    that everything it would import or call is allowlisted, not that it is data."""

    @property
    def verdict(self) -> Verdict:
        worst = max((f.verdict for f in self.findings), key=lambda v: v.rank, default=Verdict.SAFE)
        if self.format == "unknown" and worst.rank < Verdict.UNSUPPORTED.rank:
            return Verdict.UNSUPPORTED
        return worst

    @property
    def assurance(self) -> str:
        """The verdict in the assessment's words: ``no-unsafe-code`` for a safe artifact whose format
        can execute code on load (what ``assess`` calls a code-executing format), else the verdict."""
        verdict = self.verdict
        return NO_UNSAFE_CODE if verdict is Verdict.SAFE and self.code_on_load else str(verdict)

    def to_dict(self) -> dict[str, Any]:
        data = {"path": self.path, "format": self.format, "verdict": str(self.verdict), "size": self.size,
                "assurance": self.assurance, "code_on_load": self.code_on_load,
                "findings": [f.to_dict() for f in self.findings]}
        if self.external_data:
            data["external_data"] = self.external_data
        return data


@dataclass
class ScanReport:
    files: list[FileResult] = field(default_factory=list)

    def summary(self) -> dict[str, int]:
        counts = {"files": len(self.files)} | {str(v): 0 for v in
                                                (Verdict.SAFE, Verdict.SUSPICIOUS, Verdict.UNSAFE,
                                                 Verdict.ERROR, Verdict.UNSUPPORTED)}
        counts[NO_UNSAFE_CODE] = 0
        for result in self.files:
            counts[str(result.verdict)] += 1
            if result.assurance == NO_UNSAFE_CODE:
                counts[NO_UNSAFE_CODE] += 1
        return counts

    def exit_code(self) -> int:
        """1 if any file is unsafe or suspicious, else 2 if any could not be analysed, else 0."""
        verdicts = {r.verdict for r in self.files}
        if verdicts & {Verdict.UNSAFE, Verdict.SUSPICIOUS}:
            return 1
        if verdicts & {Verdict.ERROR, Verdict.UNSUPPORTED}:
            return 2
        return 0

    def to_dict(self) -> dict[str, Any]:
        return {"files": [r.to_dict() for r in self.files], "summary": self.summary()}

    def findings(self) -> list[common.Finding]:
        """Every finding worth an alert in the one finding model; informational notes (a safe
        verdict) stay in the JSON report only."""
        from secplan.model.scan.rules import remediation

        out = []
        for file in self.files:
            for f in file.findings:
                if f.verdict is Verdict.SAFE:
                    continue
                props: dict[str, Any] = {"verdict": str(f.verdict)}
                if f.offset is not None:
                    props["offset"] = f.offset
                if f.symbol:
                    props["symbol"] = f.symbol
                # The symbol (or the message without offsets) names the problem; offsets move when a
                # file is re-saved, the global a pickle imports does not.
                context = f.symbol or common.without_numbers(f.message)
                out.append(common.Finding(
                    rule=f.rule, control=CONTROL, severity=f.severity, message=f.message,
                    location=common.Location(file.path, member=f.member, offset=f.offset),
                    remediation=remediation(f.rule),
                    fingerprint=common.fingerprint(f.rule, file.path, context, where=f.member or ""),
                    properties=props))
        return out
