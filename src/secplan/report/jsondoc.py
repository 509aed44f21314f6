"""The JSON report: the assessment document itself, the format scripts and baselines read."""

from __future__ import annotations

from typing import Any, ClassVar

from secplan.assess.result import AssessmentDoc
from secplan.report.interface import Writer


class JsonWriter(Writer):
    name: ClassVar[str] = "json"
    media_type: ClassVar[str] = "application/json"
    suffix: ClassVar[str] = ".json"

    def render(self, doc: AssessmentDoc) -> str:
        return doc.model_dump_json(indent=2) + "\n"


def report_schema() -> dict[str, Any]:
    """The JSON Schema of the document (``secplan assess --schema``, docs/report-schema.md)."""
    schema = AssessmentDoc.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema.setdefault("title", "secplan assessment report")
    return schema
