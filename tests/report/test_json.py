"""The JSON report is the document itself, and its schema describes what it prints."""

from __future__ import annotations

import json

import jsonschema

from secplan.assess.result import REPORT_VERSION, AssessmentDoc
from secplan.report.jsondoc import JsonWriter, report_schema
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
