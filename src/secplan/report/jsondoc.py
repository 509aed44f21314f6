"""The JSON report: the assessment document itself, the format scripts and baselines read."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, ClassVar

from pydantic import ValidationError

from secplan.assess.result import REPORT_VERSION, AssessmentDoc
from secplan.errors import InputError
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


def load_report(path: str | os.PathLike[str]) -> AssessmentDoc:
    """Read a JSON report back (a ``--previous-report``, or one to re-render in another format).

    Anything wrong is an :class:`InputError` naming the file and the first problem, never a traceback.
    """
    source = Path(path)
    try:
        raw = source.read_bytes()
    except OSError as exc:
        raise InputError(f"{source}: cannot read the report: {exc.strerror or exc}") from None
    try:
        doc = AssessmentDoc.model_validate_json(raw)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(part) for part in first["loc"]) or "(document)"
        raise InputError(
            f"{source}: not a secplan JSON report: {where}: {first['msg']}",
            hint="give a file written by `secplan assess --format json`",
        ) from None
    if doc.version.split(".")[0] != REPORT_VERSION.split(".")[0]:
        raise InputError(
            f"{source}: report format {doc.version} is not readable by this secplan ({REPORT_VERSION})"
        )
    return doc
