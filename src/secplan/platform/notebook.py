"""Jupyter notebooks (nbformat 4) as data: parsed once, within limits, validated against the shape
the scanners rely on, so that a hostile or broken ``.ipynb`` is a located message, not a crash."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from json.decoder import scanstring
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


# -- where each cell's lines are in the .ipynb file ------------------------------------------------------

_SCALAR = re.compile(r"-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?|true|false|null|NaN|-?Infinity")
_SPACE = re.compile(r"[ \t\n\r]*")


def value_lines(text: str) -> dict[tuple[Any, ...], int]:
    """The 1-based line of every value of a JSON document, by key path (for strings, the line of
    their opening quote). Run only on a document :func:`read_notebook` accepted, so depth is bounded."""
    lines: dict[tuple[Any, ...], int] = {}
    newlines = [i for i, ch in enumerate(text) if ch == "\n"]

    def line_at(offset: int) -> int:
        lo, hi = 0, len(newlines)
        while lo < hi:
            mid = (lo + hi) // 2
            if newlines[mid] < offset:
                lo = mid + 1
            else:
                hi = mid
        return lo + 1

    def skip(i: int) -> int:
        return _SPACE.match(text, i).end()  # type: ignore[union-attr]

    def value(i: int, path: tuple[Any, ...]) -> int:
        i = skip(i)
        lines[path] = line_at(i)
        ch = text[i]
        if ch == '"':
            return scanstring(text, i + 1)[1]
        if ch == "{":
            i = skip(i + 1)
            if text[i] == "}":
                return i + 1
            while True:
                key, i = scanstring(text, skip(i) + 1)
                i = skip(i) + 1  # the colon
                i = skip(value(i, (*path, key)))
                if text[i] == "}":
                    return i + 1
                i += 1  # the comma
        if ch == "[":
            i, index = skip(i + 1), 0
            if text[i] == "]":
                return i + 1
            while True:
                i = skip(value(i, (*path, index)))
                index += 1
                if text[i] == "]":
                    return i + 1
                i += 1
        match = _SCALAR.match(text, i)
        return match.end() if match else i + 1

    value(0, ())
    return lines


def _chunk_lines(parts: list[str], part_lines: list[int | None]) -> list[int | None]:
    """For each line of the joined multi-line string, the file line of the part it starts in."""
    out: list[int | None] = []
    at_line_start = True
    for part, line in zip(parts, part_lines, strict=True):
        for ch in part:
            if at_line_start:
                out.append(line)
            at_line_start = ch == "\n"
    return out or [part_lines[0] if part_lines else None]


def located_texts(text: str, notebook: Notebook) -> Iterator[tuple[str, str, list[int | None]]]:
    """:meth:`Notebook.texts` with, for each text, the ``.ipynb`` line each of its lines starts on."""
    raw = json.loads(text)
    lines = value_lines(text)
    cells = raw.get("cells") if isinstance(raw, dict) else None
    for index, (cell, raw_cell) in enumerate(zip(notebook.cells, cells or [], strict=False), 1):
        base = ("cells", index - 1)
        yield f"cell {index}", cell.source, _field_lines(raw_cell.get("source"), lines, (*base, "source"))
        for k, (output, raw_output) in enumerate(zip(cell.outputs, raw_cell.get("outputs") or [], strict=False)):
            where = (*base, "outputs", k)
            if output.text:
                yield f"cell {index} output", output.text, _field_lines(raw_output.get("text"), lines, (*where, "text"))
            data = raw_output.get("data") if isinstance(raw_output.get("data"), dict) else {}
            for mime, chunk in zip((m for m in output.data if _is_text_mime(m, output.data[m])),
                                   output.data_texts(), strict=False):
                if chunk:
                    yield (f"cell {index} output", chunk,
                           _field_lines(data.get(mime) if isinstance(data.get(mime), list | str) else None, lines,
                                        (*where, "data", mime)))


def _is_text_mime(mime: str, value: Any) -> bool:
    if not (mime.startswith("text/") or mime in _TEXT_MIMES or mime.endswith("+json")):
        return False
    if isinstance(value, dict | list) and mime.endswith("json"):
        return True
    try:
        _joined(value)
    except ValueError:
        return False
    return True


def _field_lines(value: Any, lines: dict[tuple[Any, ...], int], path: tuple[Any, ...]) -> list[int | None]:
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return _chunk_lines(value, [lines.get((*path, j)) for j in range(len(value))])
    count = len(value.splitlines()) if isinstance(value, str) else 1
    return [lines.get(path)] * max(count, 1)


def file_line(line_map: list[int | None], line: int | None) -> int | None:
    """The ``.ipynb`` line of line ``line`` (1-based) of a cell's text."""
    if line is None or not 0 < line <= len(line_map):
        return line_map[-1] if line_map and line is not None else None
    return line_map[line - 1]
