"""The registry and what every writer promises: deterministic text that names every control."""

from __future__ import annotations

from pathlib import Path

import pytest

from secplan.assess.result import AssessmentDoc
from secplan.errors import InputError
from secplan.plan.catalogue import control_ids
from secplan.report.interface import Writer
from secplan.report.writers import FORMATS, get_writer, write_report


def test_formats_are_the_documented_six() -> None:
    assert FORMATS == ("table", "json", "sarif", "junit", "markdown", "html")


@pytest.mark.parametrize("name", FORMATS)
def test_writer_metadata(name: str) -> None:
    writer = get_writer(name)
    assert isinstance(writer, Writer)
    assert writer.name == name
    assert "/" in writer.media_type
    assert writer.suffix.startswith(".")


def test_format_names_are_case_insensitive() -> None:
    assert get_writer(" HTML ").name == "html"


def test_unknown_format_is_a_usage_error_listing_choices() -> None:
    with pytest.raises(InputError) as err:
        get_writer("pdf")
    assert err.value.exit_code == 2
    assert "'pdf'" in err.value.message
    for name in FORMATS:
        assert name in err.value.message


@pytest.mark.parametrize("name", FORMATS)
def test_render_is_deterministic(name: str, doc: AssessmentDoc) -> None:
    assert get_writer(name).render(doc) == get_writer(name).render(doc)


@pytest.mark.parametrize("name", ["table", "json", "junit", "markdown", "html"])
def test_every_control_appears(name: str, doc: AssessmentDoc) -> None:
    text = get_writer(name).render(doc)
    missing = [cid for cid in control_ids() if cid not in text]
    assert missing == []


@pytest.mark.parametrize("name", FORMATS)
def test_write_report_writes_exactly_the_rendering(name: str, doc: AssessmentDoc, tmp_path: Path) -> None:
    target = tmp_path / "out" / f"report{get_writer(name).suffix}"
    write_report(doc, name, target)
    assert target.read_text(encoding="utf-8") == get_writer(name).render(doc)
    assert [p.name for p in target.parent.iterdir()] == [target.name]


def test_write_report_with_unknown_format_leaves_the_old_file(doc: AssessmentDoc, tmp_path: Path) -> None:
    target = tmp_path / "report.txt"
    target.write_text("previous report")
    with pytest.raises(InputError):
        write_report(doc, "docx", target)
    assert target.read_text() == "previous report"
    assert [p.name for p in tmp_path.iterdir()] == ["report.txt"]


@pytest.mark.parametrize("name", FORMATS)
def test_a_document_without_evidence_renders(name: str, empty_doc: AssessmentDoc) -> None:
    text = get_writer(name).render(empty_doc)
    if name != "sarif":  # SARIF lists findings only, and there are none
        assert "DS-1" in text and "HS-5" in text
    if name in ("table", "markdown"):
        assert "passed: no open finding at or above high" in text
