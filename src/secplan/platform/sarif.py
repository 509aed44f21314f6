"""SARIF 2.1.0 for platform findings, so code hosts show them inline. Messages are the redacted ones."""

from __future__ import annotations

import hashlib
from typing import Any

from secplan import __version__
from secplan.platform.findings import RULES, Finding
from secplan.vocabulary import Severity

_LEVEL = {Severity.CRITICAL: "error", Severity.HIGH: "error", Severity.MEDIUM: "warning",
          Severity.LOW: "note", Severity.INFO: "note"}


def _fingerprint(f: Finding) -> str:
    """Stable across runs and line moves, so code scanning tracks one alert per finding (no secret in it)."""
    subject = f.fingerprint or (f"{f.package}:{f.advisories[0]}" if f.advisories else f.message)
    return hashlib.sha256(f"{f.rule}|{f.path}|{f.member or ''}|{subject}".encode()).hexdigest()[:32]


def to_sarif(findings: list[Finding]) -> dict[str, Any]:
    used = sorted({f.rule for f in findings})
    rules = [{
        "id": rid,
        "shortDescription": {"text": RULES[rid].title},
        "help": {"text": RULES[rid].remediation},
        "properties": {"control": RULES[rid].control, "category": str(RULES[rid].category)},
        "defaultConfiguration": {"level": _LEVEL[RULES[rid].severity]},
    } for rid in used]
    results = []
    for f in findings:
        location: dict[str, Any] = {"physicalLocation": {"artifactLocation": {"uri": f.path}}}
        if f.line:
            location["physicalLocation"]["region"] = {"startLine": f.line}
        results.append({
            "ruleId": f.rule,
            "ruleIndex": used.index(f.rule),
            "level": _LEVEL[f.severity],
            "message": {"text": f.message},
            "locations": [location],
            "partialFingerprints": {"secplanFinding/v1": _fingerprint(f)},
            "properties": {"severity": str(f.severity), "control": f.control,
                           **({"advisories": list(f.advisories)} if f.advisories else {})},
        })
    return {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{"tool": {"driver": {"name": "secplan", "version": __version__,
                                      "informationUri": "https://github.com/secplan/secplan", "rules": rules}},
                  "results": results}],
    }
