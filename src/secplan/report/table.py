"""The terminal report: a summary, the 32 controls, then the worst open findings.

``render_rich`` returns renderables for a live console (colour, width); ``render`` gives the same
content as plain text for ``-o FILE`` and pipes. Colours come from :mod:`secplan.report.palette`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from rich.console import Console, Group, RenderableType
from rich.table import Table
from rich.text import Text

from secplan.assess.result import AssessmentDoc
from secplan.findings import Finding, worst_first
from secplan.report import view
from secplan.report.interface import Writer
from secplan.report.palette import (
    SEVERITY_COLOURS,
    SEVERITY_ORDER,
    STATUS_COLOURS,
    STATUS_LABELS,
    STATUS_ORDER,
)
from secplan.vocabulary import Severity, Status

#: How many open findings the terminal shows; the rest are one ``--format json`` away.
FINDINGS_LIMIT = 20
PLAIN_WIDTH = 120


def status_text(status: Status) -> Text:
    return Text(STATUS_LABELS[status], style=f"bold {STATUS_COLOURS[status]}")


def severity_text(severity: Severity) -> Text:
    return Text(severity.value, style=f"bold {SEVERITY_COLOURS[severity]}")


def engine_findings_table(findings: Sequence[Finding], title: str) -> Table:
    """Any engine's findings for people: severity, control, rule and place, message; worst first.
    The message gets the room, and ids and paths fold rather than being cut."""
    table = Table(title=title, header_style="bold", expand=True)
    table.add_column("severity", no_wrap=True)
    table.add_column("control", no_wrap=True)
    table.add_column("rule / where", overflow="fold", ratio=3)
    table.add_column("message", overflow="fold", ratio=5)
    for f in worst_first(findings):
        table.add_row(severity_text(f.severity), f.control, f"{f.rule}\n{f.location or ''}", f.message)
    return table


def summary_table(doc: AssessmentDoc) -> Table:
    """Score, coverage, counts and the gate's verdict: what a reviewer reads first."""
    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="bold")
    grid.add_column()
    grid.add_row("Project", view.project_name(doc))
    grid.add_row("Score", f"{view.format_score(doc.score)} / 10")
    grid.add_row("Coverage", f"{view.format_percent(doc.coverage)} of controls have a verdict")
    statuses = Text()
    for status in STATUS_ORDER:
        if doc.counts.get(status):
            statuses.append(f"{doc.counts[status]} ").append_text(status_text(status)).append("  ")
    grid.add_row("Controls", statuses)
    severities = Text()
    for severity in SEVERITY_ORDER:
        severities.append(f"{doc.severity_counts.get(severity, 0)} ").append_text(
            severity_text(severity)
        ).append("  ")
    grid.add_row("Open findings", severities)
    changes = view.changes_line(doc)
    if changes is not None:
        grid.add_row("Since last", changes)
    grid.add_row("Gate", Text(view.verdict(doc), style="bold #cf222e" if doc.failed else "bold #1a7f37"))
    return grid


def controls_table(doc: AssessmentDoc) -> Table:
    table = Table(title="Controls", header_style="bold", title_justify="left", expand=False)
    table.add_column("Control", no_wrap=True)
    table.add_column("Title")
    table.add_column("Status", no_wrap=True)
    table.add_column("Score", justify="right")
    table.add_column("Open", justify="right")
    for control in doc.controls:
        count = len(view.open_findings(control))
        table.add_row(
            control.id,
            control.title,
            status_text(control.status),
            view.format_score(control.score),
            str(count) if count else "",
        )
    return table


def findings_table(doc: AssessmentDoc, limit: int | None = FINDINGS_LIMIT) -> RenderableType | None:
    """The worst ``limit`` open findings (every one when ``limit`` is None)."""
    found = view.open_findings_by_severity(doc)
    if not found:
        return None
    table = Table(title="Open findings", header_style="bold", title_justify="left")
    table.add_column("Severity", no_wrap=True)
    table.add_column("Control", no_wrap=True)
    table.add_column("Finding", overflow="fold")
    table.add_column("Location")
    table.add_column("Message", ratio=2)
    limit = len(found) if limit is None else limit
    for item in found[:limit]:
        table.add_row(
            severity_text(item.finding.severity),
            item.control.id,
            item.finding.id,
            view.location_text(item.finding.location),
            Text(item.finding.message),
        )
    if len(found) <= limit:
        return table
    more = Text(f"... and {len(found) - limit} more open findings (list them with --all or --limit N; "
                "every one is in --format json, html or sarif)")
    return Group(table, more)


def render_rich(doc: AssessmentDoc, limit: int | None = FINDINGS_LIMIT) -> list[RenderableType]:
    """The report as renderables, in reading order, for ``console.print(*render_rich(doc))``."""
    parts: list[RenderableType] = [summary_table(doc), Text(), controls_table(doc)]
    found = findings_table(doc, limit)
    if found is not None:
        parts += [Text(), found]
    return parts


class TableWriter(Writer):
    name: ClassVar[str] = "table"
    media_type: ClassVar[str] = "text/plain"
    suffix: ClassVar[str] = ".txt"

    def render(self, doc: AssessmentDoc) -> str:
        """Plain text (no colour codes) of the same renderables, at a fixed width."""
        console = Console(width=PLAIN_WIDTH, color_system=None, force_terminal=False, record=False)
        with console.capture() as capture:
            for part in render_rich(doc):
                console.print(part)
        return capture.get()
