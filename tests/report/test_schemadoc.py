"""docs/report-schema.md is generated from the model: it must match, and describe every field."""

from __future__ import annotations

import re
from pathlib import Path

from secplan.report.schemadoc import main, render_schema_doc

DOC = Path(__file__).resolve().parents[2] / "docs" / "report-schema.md"


def test_committed_page_matches_the_model() -> None:
    assert DOC.read_text(encoding="utf-8") == render_schema_doc(), (
        "docs/report-schema.md is stale: run python -m secplan.report.schemadoc docs/report-schema.md"
    )


def test_every_field_has_a_meaning() -> None:
    rows = [line for line in render_schema_doc().splitlines() if re.match(r"\| `\w+` \|", line)]
    assert len(rows) > 40
    undescribed = [row.split("|")[1].strip() for row in rows if row.rstrip().endswith("|  |")]
    assert undescribed == []


def test_cli_writes_the_page(tmp_path: Path) -> None:
    out = tmp_path / "schema.md"
    assert main([str(out)]) == 0
    assert out.read_text(encoding="utf-8") == render_schema_doc()
    assert main([]) == 2
