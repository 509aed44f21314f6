"""Markdown: the sections a PR comment needs, with untrusted text neutralised."""

from __future__ import annotations

import re

from secplan.assess.result import AssessmentDoc
from secplan.report.markdown import MarkdownWriter, escape


def test_sections_and_control_rows(doc: AssessmentDoc) -> None:
    text = MarkdownWriter().render(doc)
    for heading in (
        "# secplan assessment: credit-risk",
        "## Pillars",
        "## Controls",
        "## Open findings",
        "## Waivers",
    ):
        assert heading in text
    rows = [line for line in text.splitlines() if re.match(r"\| [A-Z]{2}-\d \|", line)]
    assert [r.split("|")[1].strip() for r in rows] == [c.id for c in doc.controls]
    assert "FAILED: open findings at or above high" in text
    assert "Remediation: Fix it" in text


def test_table_rows_keep_their_column_count(doc: AssessmentDoc) -> None:
    text = MarkdownWriter().render(doc)
    for block in text.split("\n\n"):
        lines = [line for line in block.splitlines() if line.startswith("|")]
        if not lines:
            continue
        widths = {len(re.findall(r"(?<!\\)\|", line)) for line in lines}
        assert len(widths) == 1, block


def test_untrusted_text_is_escaped(doc: AssessmentDoc) -> None:
    text = MarkdownWriter().render(doc)
    assert "<script>" not in text
    assert "&lt;script&gt;" in text
    assert escape("a|b *c* [x](y) <i>") == "a\\|b \\*c\\* \\[x\\](y) &lt;i&gt;"


def test_clean_document_says_so(clean_doc: AssessmentDoc) -> None:
    text = MarkdownWriter().render(clean_doc)
    assert "passed: no open finding at or above critical" in text
