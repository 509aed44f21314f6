"""GitHub-flavoured Markdown: for pull-request comments, job summaries and wikis.

Finding messages are untrusted text (they quote file names and content), so every cell is escaped:
no markup, link or HTML from a message reaches the reader's renderer.
"""

from __future__ import annotations

import re
from typing import ClassVar

from secplan.assess.result import AssessmentDoc
from secplan.report import view
from secplan.report.interface import Writer
from secplan.report.palette import SEVERITY_ORDER, STATUS_LABELS, STATUS_ORDER
from secplan.vocabulary import Status

STATUS_ICONS: dict[Status, str] = {
    Status.PASS: "✅",
    Status.FAIL: "❌",
    Status.PARTIAL: "🟠",
    Status.MANUAL: "📝",
    Status.WAIVED: "🟣",
    Status.NOT_APPLICABLE: "➖",
    Status.ERROR: "⚠️",
}
#: How many open findings the Markdown lists (a PR comment has a size limit); JSON has them all.
FINDINGS_LIMIT = 100

_SPECIAL = re.compile(r"([\\`*_\[\]|~])")


def escape(text: str) -> str:
    """Text safe inside a table cell or a paragraph: markup characters escaped, HTML neutralised."""
    text = " ".join(text.split())
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _SPECIAL.sub(r"\\\1", text)


def status_cell(status: Status) -> str:
    return f"{STATUS_ICONS[status]} {STATUS_LABELS[status]}"


def _summary(doc: AssessmentDoc) -> list[str]:
    counts = ", ".join(f"{doc.counts[s]} {STATUS_LABELS[s]}" for s in STATUS_ORDER if doc.counts.get(s))
    severities = ", ".join(f"{doc.severity_counts.get(s, 0)} {s.value}" for s in SEVERITY_ORDER)
    return [
        f"# secplan assessment: {escape(view.project_name(doc))}",
        "",
        f"- **Score:** {view.format_score(doc.score)} / 10",
        f"- **Coverage:** {view.format_percent(doc.coverage)} of controls have a verdict",
        f"- **Controls:** {counts}",
        f"- **Open findings:** {severities}",
        f"- **Gate:** {'❌' if doc.failed else '✅'} {view.verdict(doc)}",
        f"- **Generated:** {doc.generated_at.isoformat(timespec='seconds')} by "
        f"{escape(doc.tool.get('name', 'secplan'))} {escape(doc.tool.get('version', ''))}",
    ]


def _changes(doc: AssessmentDoc) -> list[str]:
    """New and fixed findings since the previous assessment of the branch, and the trend."""
    line = view.changes_line(doc)
    if line is None or doc.changes is None:
        return []
    lines = ["## Since the previous assessment", "", escape(line)]
    for title, found in (("New", doc.changes.new), ("Fixed", doc.changes.fixed)):
        if found:
            lines += ["", f"**{title}** ({len(found)}):", ""]
            for f in found[:FINDINGS_LIMIT]:
                where = view.location_text(f.location).replace("`", "")
                lines.append(f"- **{f.severity.value}** {f.control} `{f.id}`" + (f" at `{where}`" if where else "")
                             + f": {escape(f.message)}")
            if len(found) > FINDINGS_LIMIT:
                lines.append(f"- … and {len(found) - FINDINGS_LIMIT} more (the JSON report has all)")
    if len(doc.changes.trend) > 1:
        lines += ["", "| When (UTC) | Score | " + " | ".join(s.value for s in SEVERITY_ORDER) + " |",
                  "|---|---:|" + "---:|" * len(SEVERITY_ORDER)]
        for point in doc.changes.trend[-10:]:
            cells = " | ".join(str(point.open.get(s, 0)) for s in SEVERITY_ORDER)
            lines.append(f"| {point.at:%Y-%m-%d %H:%M} | {view.format_score(point.score)} | {cells} |")
    return lines


def _pillars(doc: AssessmentDoc) -> list[str]:
    head = "| Pillar | Score | " + " | ".join(STATUS_LABELS[s].capitalize() for s in STATUS_ORDER) + " |"
    lines = ["## Pillars", "", head, "|---|---:|" + "---:|" * len(STATUS_ORDER)]
    for pillar in doc.pillars:
        cells = " | ".join(str(pillar.counts.get(s, 0)) for s in STATUS_ORDER)
        lines.append(f"| {pillar.id.value} {pillar.title} | {view.format_score(pillar.score)} | {cells} |")
    return lines


def _controls(doc: AssessmentDoc) -> list[str]:
    lines = [
        "## Controls",
        "",
        "| Control | Title | Status | Score | Open findings | Why |",
        "|---|---|---|---:|---:|---|",
    ]
    for control in doc.controls:
        count = len(view.open_findings(control))
        lines.append(
            f"| {control.id} | {escape(control.title)} | {status_cell(control.status)} | "
            f"{view.format_score(control.score)} | {count or ''} | {escape(control.summary)} |"
        )
    return lines


def _findings(doc: AssessmentDoc) -> list[str]:
    found = view.open_findings_by_severity(doc)
    lines = ["## Open findings", ""]
    if not found:
        return [*lines, "No open findings."]
    for item in found[:FINDINGS_LIMIT]:
        finding = item.finding
        where = view.location_text(finding.location)
        lines.append(
            f"- **{finding.severity.value}** {item.control.id} `{finding.id}`"
            + (f" at `{where.replace('`', '')}`" if where else "")
            + f": {escape(finding.message)}"
        )
        if finding.remediation:
            lines.append(f"  - Remediation: {escape(finding.remediation)}")
    if len(found) > FINDINGS_LIMIT:
        lines.append(
            f"\n… and {len(found) - FINDINGS_LIMIT} more (the JSON, HTML and SARIF reports have all)."
        )
    return lines


def _waivers(doc: AssessmentDoc) -> list[str]:
    if not doc.waivers:
        return []
    lines = [
        "## Waivers",
        "",
        "| Target | State | Expires | Covers | Approver | Reason |",
        "|---|---|---|---:|---|---|",
    ]
    for waiver in doc.waivers:
        lines.append(
            f"| `{waiver.target.replace('`', '')}` | {waiver.state} | {waiver.expires.isoformat()} | {waiver.matched} | "
            f"{escape(waiver.approver)} | {escape(waiver.reason)} |"
        )
    return lines


class MarkdownWriter(Writer):
    name: ClassVar[str] = "markdown"
    media_type: ClassVar[str] = "text/markdown"
    suffix: ClassVar[str] = ".md"

    def render(self, doc: AssessmentDoc) -> str:
        sections = [_summary(doc), _changes(doc), _pillars(doc), _controls(doc), _findings(doc), _waivers(doc)]
        return "\n\n".join("\n".join(s) for s in sections if s) + "\n"
