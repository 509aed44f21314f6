"""JUnit XML, so that CI systems that show test results show the plan's controls.

A ``testsuite`` per pillar, a ``testcase`` per control: ``fail``/``partial`` are failures listing
the open findings, ``error`` is an error, ``manual``/``not_applicable``/``waived`` are skipped with
the reason, ``pass`` passes.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from typing import ClassVar

from secplan.assess.result import AssessmentDoc, ControlDoc
from secplan.report import view
from secplan.report.interface import Writer
from secplan.report.palette import STATUS_LABELS
from secplan.vocabulary import Outcome, Status

SKIPPED = (Status.MANUAL, Status.NOT_APPLICABLE, Status.WAIVED)
FAILED = (Status.FAIL, Status.PARTIAL)


_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _clean(text: str) -> str:
    """Drop characters XML 1.0 cannot carry (probe messages quote arbitrary file content)."""
    return _NOT_XML.sub("", text)


def _findings_text(control: ControlDoc, new: frozenset[str]) -> str:
    lines = []
    for finding in view.open_findings(control):
        where = view.location_text(finding.location)
        mark = "[new] " if finding.id in new else ""
        lines.append(
            f"{mark}[{finding.severity.value}] {finding.id}{' at ' + where if where else ''}: {finding.message}"
        )
        if finding.remediation:
            lines.append(f"    remediation: {finding.remediation}")
    return "\n".join(lines)


def _testcase(parent: ET.Element, control: ControlDoc, new: frozenset[str]) -> None:
    case = ET.SubElement(
        parent,
        "testcase",
        name=_clean(f"{control.id} {control.title}"),
        classname=f"secplan.{control.pillar.value}",
    )
    case.set("time", "0")
    summary = _clean(control.summary)
    if control.status in FAILED:
        count = len(view.open_findings(control))
        message = f"{STATUS_LABELS[control.status]}: {count} open finding{'s' * (count != 1)}. {summary}"
        failure = ET.SubElement(case, "failure", message=_clean(message), type=control.status.value)
        failure.text = _clean(_findings_text(control, new) or summary)
    elif control.status == Status.ERROR:
        errors = [f.message for f in control.findings if f.outcome == Outcome.ERROR]
        error = ET.SubElement(case, "error", message=summary, type="error")
        error.text = _clean("\n".join(errors) or summary)
    elif control.status in SKIPPED:
        ET.SubElement(case, "skipped", message=_clean(f"{STATUS_LABELS[control.status]}: {control.summary}"))
    out = ET.SubElement(case, "system-out")
    out.text = _clean(
        f"status: {control.status.value}; score: {view.format_score(control.score)}; {control.summary}"
    )


def _count(controls: list[ControlDoc]) -> dict[str, str]:
    return {
        "tests": str(len(controls)),
        "failures": str(sum(c.status in FAILED for c in controls)),
        "errors": str(sum(c.status == Status.ERROR for c in controls)),
        "skipped": str(sum(c.status in SKIPPED for c in controls)),
        "time": "0",
    }


class JunitWriter(Writer):
    name: ClassVar[str] = "junit"
    media_type: ClassVar[str] = "application/xml"
    suffix: ClassVar[str] = ".xml"

    def render(self, doc: AssessmentDoc) -> str:
        root = ET.Element(
            "testsuites", name=_clean(f"secplan: {view.project_name(doc)}"), **_count(doc.controls)
        )
        changes = view.changes_line(doc)
        new = frozenset(f.id for f in doc.changes.new) if doc.changes is not None else frozenset()
        for pillar in doc.pillars:
            members = [c for c in doc.controls if c.pillar == pillar.id]
            suite = ET.SubElement(
                root,
                "testsuite",
                name=f"{pillar.id.value} {pillar.title}",
                timestamp=doc.generated_at.replace(microsecond=0, tzinfo=None).isoformat(),
                **_count(members),
            )
            if changes is not None:
                properties = ET.SubElement(suite, "properties")
                ET.SubElement(properties, "property", name="secplan.since-previous", value=_clean(changes))
            for control in members:
                _testcase(suite, control, new)
        ET.indent(root)
        return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
