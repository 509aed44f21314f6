"""SARIF 2.1.0 for ``secplan model scan``: one rule per finding type, ``security-severity`` for code
scanning dashboards, the archive member as a logical location and the byte offset as the region."""

from __future__ import annotations

from typing import Any

from secplan import __version__
from secplan.model.scan.result import ScanReport, Verdict
from secplan.model.scan.rules import describe
from secplan.vocabulary import Severity

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
SECURITY_SEVERITY = {Severity.CRITICAL: "9.5", Severity.HIGH: "8.0", Severity.MEDIUM: "5.5",
                     Severity.LOW: "3.0", Severity.INFO: "0.0"}
LEVEL = {Severity.CRITICAL: "error", Severity.HIGH: "error", Severity.MEDIUM: "warning",
         Severity.LOW: "note", Severity.INFO: "note"}


def to_sarif(report: ScanReport) -> dict[str, Any]:
    rules: dict[str, dict[str, Any]] = {}
    results: list[dict[str, Any]] = []
    for file in report.files:
        for finding in file.findings:
            if finding.verdict is Verdict.SAFE:
                continue  # informational notes are in JSON, not alerts
            rule = rules.setdefault(finding.rule, {
                "id": finding.rule,
                "name": finding.rule.replace("-", " ").title().replace(" ", ""),
                "shortDescription": {"text": describe(finding.rule)},
                "properties": {"security-severity": SECURITY_SEVERITY[finding.severity],
                               "tags": ["security", "MS-6"]},
            })
            if float(SECURITY_SEVERITY[finding.severity]) > float(rule["properties"]["security-severity"]):
                rule["properties"]["security-severity"] = SECURITY_SEVERITY[finding.severity]
            physical: dict[str, Any] = {"artifactLocation": {"uri": file.path}}
            if finding.offset is not None and finding.member is None:
                physical["region"] = {"byteOffset": finding.offset}
            location: dict[str, Any] = {"physicalLocation": physical}
            if finding.member:
                location["logicalLocations"] = [{"fullyQualifiedName": finding.member, "kind": "member"}]
            results.append({
                "ruleId": finding.rule,
                "level": LEVEL[finding.severity],
                "message": {"text": finding.message},
                "locations": [location],
                "properties": {"verdict": str(finding.verdict), "severity": str(finding.severity),
                               **({"offset": finding.offset} if finding.offset is not None else {}),
                               **({"symbol": finding.symbol} if finding.symbol else {})},
            })
    return {
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {"name": "secplan-model-scan", "version": __version__,
                                "informationUri": "https://github.com/secplan/secplan",
                                "rules": list(rules.values())}},
            "results": results,
        }],
    }
