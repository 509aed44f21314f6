"""The JSON report is the document itself, and its schema describes what it prints."""

from __future__ import annotations

import json

import jsonschema
import pytest

from secplan.assess.result import REPORT_VERSION, AssessmentDoc
from secplan.errors import InputError
from secplan.report.jsondoc import JsonWriter, load_report, report_schema
from secplan.vocabulary import Status


def test_round_trips_to_the_same_document(doc: AssessmentDoc) -> None:
    text = JsonWriter().render(doc)
    assert AssessmentDoc.model_validate_json(text) == doc


def test_holds_the_fields_the_issue_requires(doc: AssessmentDoc) -> None:
    data = json.loads(JsonWriter().render(doc))
    assert data["version"] == REPORT_VERSION
    assert isinstance(data["score"], float)
    assert len(data["controls"]) == 32
    for control in data["controls"]:
        assert {"id", "pillar", "status", "score", "findings"} <= control.keys()
        assert control["status"] in {s.value for s in Status}
    assert [p["id"] for p in data["pillars"]] == ["DS", "MS", "PS", "CS", "HS"]


def test_schema_validates_the_output(doc: AssessmentDoc) -> None:
    schema = report_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    jsonschema.validate(json.loads(JsonWriter().render(doc)), schema, cls=jsonschema.Draft202012Validator)


def test_schema_rejects_a_document_with_an_unknown_status(doc: AssessmentDoc) -> None:
    data = json.loads(JsonWriter().render(doc))
    data["controls"][0]["status"] = "green"
    errors = list(jsonschema.Draft202012Validator(report_schema()).iter_errors(data))
    assert any("green" in e.message for e in errors)


def test_load_report_reads_what_the_writer_wrote(doc: AssessmentDoc, tmp_path) -> None:
    path = tmp_path / "report.json"
    path.write_text(JsonWriter().render(doc), encoding="utf-8")
    assert load_report(path) == doc


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        (b"{not json", "Invalid JSON"),
        (b"[]", "(document)"),
        (b'{"version": "1.0"}', "tool: Field required"),
        (b"\xff\xfe", "Invalid JSON"),
    ],
)
def test_load_report_names_the_file_and_the_problem(tmp_path, content: bytes, problem: str) -> None:
    path = tmp_path / "bad.json"
    path.write_bytes(content)
    with pytest.raises(InputError) as err:
        load_report(path)
    assert str(path) in err.value.message
    assert problem in err.value.message
    assert err.value.exit_code == 2


def test_load_report_refuses_a_future_major_version(doc: AssessmentDoc, tmp_path) -> None:
    data = json.loads(JsonWriter().render(doc))
    data["version"] = "2.0"
    path = tmp_path / "future.json"
    path.write_text(json.dumps(data))
    with pytest.raises(InputError, match=r"report format 2\.0"):
        load_report(path)


def test_load_report_missing_file(tmp_path) -> None:
    with pytest.raises(InputError, match="cannot read the report"):
        load_report(tmp_path / "absent.json")
