"""docs/report-schema.md, generated from the document model so the page cannot drift from the code.

Regenerate with ``python -m secplan.report.schemadoc docs/report-schema.md``; a test fails when
the committed page differs from what this module renders.
"""

from __future__ import annotations

import json
import sys
from typing import Any

from secplan.assess.result import REPORT_VERSION
from secplan.fsutil import atomic_write_text
from secplan.report.jsondoc import report_schema

INTRO = f"""# The JSON report: `secplan assess --format json`

The JSON report is the assessment document itself (`secplan.assess.result.AssessmentDoc`). Every
other format (table, SARIF, JUnit, Markdown, HTML) is rendered from it, and `--previous-report` reads it
back, so scripts should read this one rather than parse the others.

- `version` is `{REPORT_VERSION}`. It changes when a field changes meaning or disappears; adding a field
  does not change it, so readers should ignore fields they do not know.
- Statuses, severities, outcomes and pillars are the words of `secplan.vocabulary`, the same in every
  format: statuses `pass fail partial manual waived not_applicable error`; severities
  `critical high medium low info`; outcomes `positive negative no_evidence not_applicable error`.
- A finding is a `negative` outcome; its `state` says whether it is `open` (counts for `--fail-on`),
  `waived` (an active waiver covers it) or `baseline` (it was in the `--previous-report` report). Positive,
  no-evidence, not-applicable and error results are listed too: they are the evidence for the status.
- `failed` is the gate: true when an open finding is at or above `fail_on`; the exit code is then 1.

This page is generated from the model (`python -m secplan.report.schemadoc docs/report-schema.md`).
"""


def _type(prop: dict[str, Any]) -> str:
    """A short human type: ``string``, ``ControlDoc[]``, ``number or null``, ``{Status: integer}``."""
    if "$ref" in prop:
        return prop["$ref"].rsplit("/", 1)[-1]
    if "anyOf" in prop:
        return " or ".join(_type(p) for p in prop["anyOf"])
    if "enum" in prop:
        return " or ".join(f"`{v}`" for v in prop["enum"])
    kind = prop.get("type", "any")
    if kind == "array":
        return f"{_type(prop.get('items', {}))}[]"
    if kind == "object" and "additionalProperties" in prop:
        keys = _type(prop["propertyNames"]) if "propertyNames" in prop else "string"
        values = prop["additionalProperties"]
        return f"{{{keys}: {_type(values) if isinstance(values, dict) else 'any'}}}"
    if "format" in prop:
        return f"{kind} ({prop['format']})"
    return str(kind)


#: Meanings for fields the model leaves undescribed ("Model.field"); the model's own text wins.
MEANINGS: dict[str, str] = {
    "AssessmentDoc.version": "Report format version (see above).",
    "AssessmentDoc.tool": "The tool that wrote it: `name`, `version`.",
    "AssessmentDoc.project": "The assessed project: `name`, and where known `root` and owners.",
    "AssessmentDoc.generated_at": "When the assessment ran (UTC).",
    "AssessmentDoc.today": "The date waivers and deadlines were judged against.",
    "AssessmentDoc.counts": "Controls per status.",
    "AssessmentDoc.fail_on": "The `--fail-on` threshold the gate used.",
    "AssessmentDoc.pillars": "The five pillars, in plan order, with rolled-up scores.",
    "AssessmentDoc.controls": "All 32 controls, in plan order (DS-1 .. HS-5).",
    "AssessmentDoc.waivers": "Every waiver of the plan and whether it was active, expired or matched nothing.",
    "AssessmentDoc.baseline": "The `--previous-report` this run was compared with, if any.",
    "AssessmentDoc.probes": "Each probe that ran: time taken, results, and its error if it failed.",
    "ControlDoc.id": "Control id, `DS-1` .. `HS-5`.",
    "ControlDoc.pillar": "The pillar (the id's prefix).",
    "ControlDoc.title": "The plan's name for the control.",
    "ControlDoc.status": "The control's status.",
    "ControlDoc.asks": "What the plan asks.",
    "ControlDoc.checks": "What secplan looks at to judge it.",
    "ControlDoc.frameworks": "Framework id (`nist-ai-rmf`, `iso-42001`, ...) to the items it serves (`~` = partial fit).",
    "ControlDoc.findings": "Every probe result for the control: findings (negative) and evidence.",
    "FindingDoc.probe": "The probe that produced it.",
    "FindingDoc.control": "The control it belongs to.",
    "FindingDoc.severity": "How bad it is (the probe's severity unless the result overrides it).",
    "FindingDoc.outcome": "What the probe concluded.",
    "FindingDoc.message": "What was found, in words. Untrusted text: it may quote file names and content.",
    "FindingDoc.location": "Where: a path relative to the project root, a line, a member (column, archive entry...).",
    "FindingDoc.remediation": "What to do about it.",
    "FindingDoc.details": "Probe-specific facts (never secrets).",
    "LocationDoc.path": "Relative to the project root, with forward slashes.",
    "LocationDoc.line": "1-based line, when known.",
    "LocationDoc.member": "A place inside the file: archive member, column, JSON path, notebook cell.",
    "PillarDoc.id": "`DS`, `MS`, `PS`, `CS` or `HS`.",
    "PillarDoc.title": "The pillar's name.",
    "PillarDoc.score": "Mean of its controls' scores, 0-10; null when none has a verdict.",
    "PillarDoc.counts": "Its controls per status.",
    "WaiverDoc.target": "What it waives: a control id or a finding id.",
    "WaiverDoc.reason": "Why, as the plan says.",
    "WaiverDoc.approver": "Who approved it.",
    "WaiverDoc.expires": "Last day it applies; after it the finding counts again.",
    "WaiverDoc.state": "`active`, `expired` or `unmatched` (covers nothing: stale or mistyped).",
    "ProbeRunDoc.id": "Probe id.",
    "ProbeRunDoc.control": "The control it serves.",
    "ProbeRunDoc.seconds": "Wall time it took.",
    "ProbeRunDoc.results": "How many results it returned.",
    "ProbeRunDoc.error": "Why it failed, when it did (the control is then `error`).",
}


def _table(title: str, schema: dict[str, Any], model: str) -> str:
    required = set(schema.get("required", []))
    lines = [f"## {title}", "", "| Field | Type | Required | Meaning |", "|---|---|---|---|"]
    for name, prop in schema.get("properties", {}).items():
        meaning = " ".join(prop.get("description", "").split()) or MEANINGS.get(f"{model}.{name}", "")
        lines.append(f"| `{name}` | {_type(prop)} | {'yes' if name in required else 'no'} | {meaning} |")
    return "\n".join(lines)


def render_schema_doc() -> str:
    schema = report_schema()
    sections = [INTRO.strip(), _table("AssessmentDoc (the top level)", schema, "AssessmentDoc")]
    for name, definition in schema["$defs"].items():
        if "properties" in definition:
            sections.append(_table(name, definition, name))
        elif "enum" in definition:
            sections.append(f"## {name}\n\nOne of: {', '.join(f'`{v}`' for v in definition['enum'])}.")
    sections.append("## The JSON Schema\n\n```json\n" + json.dumps(schema, indent=2) + "\n```")
    return "\n\n".join(sections) + "\n"


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        sys.stderr.write("usage: python -m secplan.report.schemadoc OUTPUT.md\n")
        return 2
    atomic_write_text(argv[0], render_schema_doc())
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
