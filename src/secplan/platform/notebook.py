"""Jupyter notebooks (nbformat 4) as data: parsed once, within limits, validated against the shape
the scanners rely on, so that a hostile or broken ``.ipynb`` is a located message, not a crash."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from pydantic import BaseModel, ConfigDict, field_validator

from secplan.documents import parse_json, validate_shape

_TEXT_MIMES = {"application/json", "application/javascript", "application/x-javascript", "application/xml"}


def _joined(value: Any) -> str:
    """nbformat stores multi-line strings as a string or a list of strings."""
    if value is None:
        return ""
    if isinstance(value, list):
        if not all(isinstance(part, str) for part in value):
            raise ValueError("must be a string or a list of strings")
        return "".join(value)
    if isinstance(value, str):
        return value
    raise ValueError("must be a string or a list of strings")


class Output(BaseModel):
    model_config = ConfigDict(extra="allow")

    output_type: str = ""
    text: str = ""
    data: dict[str, Any] = {}

    _join = field_validator("text", mode="before")(_joined)

    def data_texts(self) -> Iterator[str]:
        """The textual representations of a rich output (text/*, JSON, JavaScript); images and
        other binary representations are skipped."""
        for mime, value in self.data.items():
            if not (mime.startswith("text/") or mime in _TEXT_MIMES or mime.endswith("+json")):
                continue
            if isinstance(value, dict | list) and mime.endswith("json"):
                yield json.dumps(value)
            else:
                try:
                    yield _joined(value)
                except ValueError:
                    continue


class Cell(BaseModel):
    model_config = ConfigDict(extra="allow")

    cell_type: str
    source: str = ""
    outputs: list[Output] = []

    _join = field_validator("source", mode="before")(_joined)


class Notebook(BaseModel):
    model_config = ConfigDict(extra="allow")

    cells: list[Cell] = []

    def texts(self) -> Iterator[tuple[str, str]]:
        """(member, text) for each cell's source and its text outputs; binary outputs are skipped."""
        for index, cell in enumerate(self.cells, 1):
            yield f"cell {index}", cell.source
            for output in cell.outputs:
                for text in (output.text, *output.data_texts()):
                    if text:
                        yield f"cell {index} output", text

    def code_cells(self) -> Iterator[tuple[int, str]]:
        """(1-based cell index, source) of the code cells."""
        for index, cell in enumerate(self.cells, 1):
            if cell.cell_type == "code":
                yield index, cell.source


def read_notebook(text: str, path: str) -> Notebook:
    """The notebook in ``text``; :class:`~secplan.documents.DocumentError` or ``LimitExceeded`` when
    it is not JSON, too large or deep, or not shaped like a notebook."""
    return validate_shape(Notebook, parse_json(text, path), path)
