"""The terminal report: rich renderables for a console, plain text for files."""

from __future__ import annotations

from rich.console import Console

from secplan.assess.result import AssessmentDoc
from secplan.report.palette import STATUS_COLOURS
from secplan.report.table import FINDINGS_LIMIT, TableWriter, render_rich, status_text
from secplan.vocabulary import Severity, Status

from .conftest import finding


def test_plain_text_has_summary_controls_and_findings(doc: AssessmentDoc) -> None:
    text = TableWriter().render(doc)
    assert "\x1b[" not in text
    assert "6.8 / 10" in text
    assert "62% of controls have a verdict" in text
    assert "FAILED: open findings at or above high" in text
    assert "2 critical" in text
    assert "Open findings" in text
    assert "requirements.txt:3" in text
    assert "not applicable" in text


def test_rich_output_is_coloured_by_the_palette(doc: AssessmentDoc) -> None:
    console = Console(width=140, force_terminal=True, color_system="truecolor")
    with console.capture() as capture:
        console.print(*render_rich(doc))
    out = capture.get()
    assert "\x1b[" in out
    for status, colour in STATUS_COLOURS.items():
        assert status_text(status).style == f"bold {colour}"
        red, green, blue = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
        if status in (Status.PASS, Status.FAIL):
            assert f"38;2;{red};{green};{blue}" in out


def test_findings_are_limited_with_a_pointer_to_the_rest(doc: AssessmentDoc) -> None:
    doc.controls[0].findings += [
        finding("DS-1", "many", 1000 + n, Severity.LOW, f"finding number {n}") for n in range(FINDINGS_LIMIT)
    ]
    total = len(doc.open_findings())
    text = TableWriter().render(doc)
    assert f"... and {total - FINDINGS_LIMIT} more open findings" in text


def test_no_findings_section_when_nothing_is_open(clean_doc: AssessmentDoc) -> None:
    for control in clean_doc.controls:
        control.findings = [f for f in control.findings if f.state != "open"]
    text = TableWriter().render(clean_doc)
    assert "Open findings" in text  # the summary row
    assert "Location" not in text  # but no findings table
    assert "passed: no open finding at or above critical" in text
