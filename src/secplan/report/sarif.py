"""SARIF 2.1.0 for GitHub code scanning and other SARIF viewers.

One run; one rule per probe that produced a violation; one result per open violation, and the
waived and baselined ones as results with a ``suppressions`` entry (viewers show them as
dismissed). Findings without a file point at the plan file, which is what they concern.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any, ClassVar
from urllib.parse import quote

from secplan.assess.interface import ProbeDef
from secplan.assess.result import AssessmentDoc, ControlDoc, FindingDoc
from secplan.report import view
from secplan.report.interface import Writer
from secplan.vocabulary import Severity

SARIF_VERSION = "2.1.0"
SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
INFORMATION_URI = "https://github.com/secplan/secplan"
SRCROOT = "%SRCROOT%"
FINGERPRINT_KEY = "secplanFindingId/v1"

#: GitHub maps security-severity to its levels: >=9 critical, 7-8.9 high, 4-6.9 medium, 0.1-3.9 low.
SECURITY_SEVERITY: dict[Severity, str] = {
    Severity.CRITICAL: "9.5",
    Severity.HIGH: "8.0",
    Severity.MEDIUM: "5.5",
    Severity.LOW: "3.0",
    Severity.INFO: "0.0",
}
LEVEL: dict[Severity, str] = {
    Severity.CRITICAL: "error",
    Severity.HIGH: "error",
    Severity.MEDIUM: "warning",
    Severity.LOW: "note",
    Severity.INFO: "note",
}

ProbeLookup = Callable[[str], ProbeDef | None]


def registered_probe(probe_id: str) -> ProbeDef | None:
    """The probe's ``def.yml`` metadata, when the probe is registered in this installation."""
    from secplan.assess.registry import all_probes

    for probe in all_probes():
        if probe.id == probe_id:
            return probe.definition
    return None


def artifact_uri(path: str) -> str:
    """A relative, percent-encoded URI with forward slashes, as SARIF consumers resolve against the root."""
    return quote(path.replace("\\", "/").lstrip("/"), safe="/")


def rule_name(probe_id: str) -> str:
    """``unsafe-model-format`` -> ``UnsafeModelFormat`` (SARIF's human-readable rule name)."""
    return "".join(part.capitalize() for part in re.split(r"[^A-Za-z0-9]+", probe_id) if part)


class SarifWriter(Writer):
    name: ClassVar[str] = "sarif"
    media_type: ClassVar[str] = "application/sarif+json"
    suffix: ClassVar[str] = ".sarif"

    def __init__(self, probe_lookup: ProbeLookup | None = registered_probe) -> None:
        """``probe_lookup`` supplies probe titles and rationale; without it rules use the control's text."""
        self._lookup = probe_lookup

    def render(self, doc: AssessmentDoc) -> str:
        """Compact JSON: SARIF is read by machines, and indenting costs 5x (Python's pure encoder)."""
        return json.dumps(self.log(doc), ensure_ascii=False, separators=(",", ":")) + "\n"

    def log(self, doc: AssessmentDoc) -> dict[str, Any]:
        """The SARIF log as a dict (for callers that post-process or validate it)."""
        violations = [(c, f) for c in doc.controls for f in view.negative_findings(c) if f.state is not None]
        rules: list[dict[str, Any]] = []
        rule_index: dict[str, int] = {}
        for control, finding in violations:
            if finding.probe not in rule_index:
                rule_index[finding.probe] = len(rules)
                rules.append(self._rule(control, finding))
        results = [self._result(c, f, rule_index[f.probe]) for c, f in violations]
        driver = {
            "name": doc.tool.get("name", "secplan"),
            "version": doc.tool.get("version", "0"),
            "informationUri": INFORMATION_URI,
            "rules": rules,
        }
        run: dict[str, Any] = {
            "tool": {"driver": driver},
            "automationDetails": {"id": f"secplan/{view.project_name(doc)}/"},
            "originalUriBaseIds": {SRCROOT: {"description": {"text": "The assessed project's root."}}},
            "results": results,
            "properties": {
                "score": doc.score,
                "coverage": doc.coverage,
                "failOn": doc.fail_on.value,
                "failed": doc.failed,
            },
        }
        return {"$schema": SARIF_SCHEMA, "version": SARIF_VERSION, "runs": [run]}

    def _rule(self, control: ControlDoc, finding: FindingDoc) -> dict[str, Any]:
        probe = self._lookup(finding.probe) if self._lookup else None
        title = probe.title if probe else f"{control.id} {control.title}: {finding.probe}"
        rationale = probe.rationale if probe else f"{control.asks} secplan checks: {control.checks}"
        remediation = (probe.remediation if probe else None) or finding.remediation or control.checks
        severity = probe.severity if probe else finding.severity
        help_text = f"{rationale}\n\nRemediation: {remediation}\n\nControl {control.id}: {control.title}."
        help_markdown = (
            f"{rationale}\n\n**Remediation:** {remediation}\n\n"
            f"Control **{control.id}** ({control.pillar.title}): {control.title}."
        )
        return {
            "id": finding.probe,
            "name": rule_name(finding.probe),
            "shortDescription": {"text": title},
            "fullDescription": {"text": rationale},
            "help": {"text": help_text, "markdown": help_markdown},
            "defaultConfiguration": {"level": LEVEL[severity]},
            "properties": {
                "tags": ["security", control.id, f"secplan/{control.pillar.value}"],
                "security-severity": SECURITY_SEVERITY[severity],
                "precision": "high",
            },
        }

    def _result(self, control: ControlDoc, finding: FindingDoc, index: int) -> dict[str, Any]:
        result: dict[str, Any] = {
            "ruleId": finding.probe,
            "ruleIndex": index,
            "level": LEVEL[finding.severity],
            "message": {"text": f"{finding.message} ({control.id})"},
            "locations": [self._location(finding)],
            "partialFingerprints": {FINGERPRINT_KEY: finding.id},
            "properties": {
                "control": control.id,
                "severity": finding.severity.value,
                "state": finding.state,
                "security-severity": SECURITY_SEVERITY[finding.severity],
            },
        }
        if finding.state == "waived":
            reason = f"waived by {finding.waiver}" if finding.waiver else "waived"
            result["suppressions"] = [{"kind": "external", "status": "accepted", "justification": reason}]
        elif finding.state == "baseline":
            result["suppressions"] = [
                {"kind": "external", "status": "accepted", "justification": "in the baseline (known before)"}
            ]
        return result

    @staticmethod
    def _location(finding: FindingDoc) -> dict[str, Any]:
        """A file location; GitHub anchors alerts to a line, so a file-level finding points at line 1."""
        loc = finding.location
        path = loc.path if loc else view.PLAN_FILE
        physical = {
            "artifactLocation": {"uri": artifact_uri(path), "uriBaseId": SRCROOT},
            "region": {"startLine": (loc.line if loc and loc.line else 1)},
        }
        location: dict[str, Any] = {"physicalLocation": physical}
        if loc and loc.member:
            location["logicalLocations"] = [{"name": loc.member, "kind": "member"}]
        return location
