"""JSON Lines: one object per line, nested objects flattened to dotted column paths."""

from __future__ import annotations

import io
import json
import re
from collections.abc import Iterator
from pathlib import Path

import pyarrow as pa
from pyarrow import json as pajson

from secplan.data.io.depth import DepthCheckedFile
from secplan.data.io.interface import DEFAULT_BATCH_ROWS, Dataset, Format
from secplan.data.io.nested import flatten_batch
from secplan.data.io.problems import bad_input, check_encoding_head, locate_bad_utf8, spread_offsets

_BLOCK = 4 << 20
_SAMPLE_PIECES = 8
_COLUMN_CHANGED = re.compile(r"Column\((?P<path>[^)]*)\) changed from (?P<old>\w+) to (?P<new>\w+)")


class JsonlDataset(Dataset):
    format = Format.JSONL

    def __init__(self, path: Path) -> None:
        self.path = path
        with path.open("rb") as handle:
            head = handle.read(4096)
        check_encoding_head(path, head)
        if not head.strip():
            raise bad_input(path, None, "file is empty")
        self.size = path.stat().st_size
        self._schema: pa.Schema | None = None

    @property
    def schema(self) -> pa.Schema:
        if self._schema is None:
            batch = next(self.iter_batches(1000), None)
            self._schema = batch.schema if batch is not None else pa.schema([])
        return self._schema

    def _batches(
        self, sample_rows: int | None = None, *, strings: bool = False, batch_rows: int = DEFAULT_BATCH_ROWS
    ) -> Iterator[pa.RecordBatch]:
        if sample_rows is None or self.size <= _BLOCK:
            yield from self._read(self._whole(), sample_rows, batch_rows)
            return
        per_piece = max(1, sample_rows // _SAMPLE_PIECES)
        for offset in spread_offsets(self.size, _SAMPLE_PIECES):
            yield from self._read(self._piece(offset), per_piece, batch_rows)

    def _whole(self) -> DepthCheckedFile:
        return DepthCheckedFile(self.path, self.path)

    def _piece(self, offset: int) -> DepthCheckedFile:
        """Whole lines from ``offset`` on, at most one block (JSON Lines never has a newline inside a record)."""
        with self.path.open("rb") as handle:
            handle.seek(offset)
            data = handle.read(_BLOCK)
        start = data.find(b"\n") + 1 if offset else 0
        end = data.rfind(b"\n") + 1 or len(data)
        piece = io.BytesIO(data[start:end] if end > start else b"")
        return DepthCheckedFile(piece, self.path, offset=offset + start)

    def _read(self, source: DepthCheckedFile, limit: int | None, batch_rows: int) -> Iterator[pa.RecordBatch]:
        remaining = limit
        try:
            reader = pajson.open_json(source, read_options=pajson.ReadOptions(block_size=_BLOCK, use_threads=True))
            for batch in reader:
                self._check_names(batch.schema)
                batch = flatten_batch(batch)
                for start in range(0, batch.num_rows, batch_rows):
                    if remaining is not None and remaining <= 0:
                        return
                    piece = batch.slice(start, batch_rows if remaining is None else min(batch_rows, remaining))
                    if remaining is not None:
                        remaining -= piece.num_rows
                    yield piece
        except StopIteration:
            return
        except (pa.ArrowInvalid, pa.ArrowTypeError, pa.ArrowNotImplementedError) as exc:
            if "Empty JSON file" in str(exc):
                return
            raise self._explain(exc) from None

    def _check_names(self, schema: pa.Schema) -> None:
        """Arrow keeps a key's bytes as they are; one that is not UTF-8 (at any depth, inside lists
        too) would fail wherever its name is read. Refused here, with its line."""
        kinds: list[pa.DataType] = []
        try:
            for f in schema:
                _ = f.name
                kinds.append(f.type)
            while kinds:
                kind = kinds.pop()
                if pa.types.is_struct(kind):
                    for i in range(kind.num_fields):
                        _ = kind.field(i).name
                        kinds.append(kind.field(i).type)
                elif pa.types.is_list(kind) or pa.types.is_large_list(kind) or pa.types.is_fixed_size_list(kind):
                    _ = kind.value_field.name
                    kinds.append(kind.value_type)
        except UnicodeDecodeError:
            raise bad_input(self.path, locate_bad_utf8(self.path), "a key that is not valid UTF-8 (wrong encoding?)") from None

    def _explain(self, exc: Exception) -> Exception:
        """Arrow's messages count rows within a block; find the real line with a slow scan (error path only)."""
        text = str(exc)
        if "UTF8" in text or "utf-8" in text.lower() or "Invalid encoding" in text:
            return bad_input(self.path, locate_bad_utf8(self.path), "bytes that are not valid UTF-8 (wrong encoding?)")
        changed = _COLUMN_CHANGED.search(text)
        first_types: dict[str, str] = {}
        with self.path.open("rb") as handle:
            for number, raw in enumerate(handle, start=1):
                if not raw.strip():
                    continue
                try:
                    record = json.loads(raw)
                except UnicodeDecodeError:
                    return bad_input(self.path, f"line {number}", "bytes that are not valid UTF-8 (wrong encoding?)")
                except json.JSONDecodeError as err:
                    return bad_input(self.path, f"line {number}, column {err.pos + 1}", f"invalid JSON: {err.msg}")
                if not isinstance(record, dict):
                    return bad_input(self.path, f"line {number}", "each line must be a JSON object")
                if changed:
                    kind = _kind_at(record, changed["path"])
                    if kind is not None:
                        first = first_types.setdefault(changed["path"], kind)
                        if kind != first:
                            field = changed["path"].strip("/").replace("/", ".")
                            return bad_input(self.path, f"line {number}",
                                             f"mixed types: field {field!r} is {kind} here but {first} before")
        return bad_input(self.path, None, f"cannot read as JSON Lines: {text}")


def _kind_at(record: dict, pointer: str) -> str | None:
    value: object = record
    for part in [p for p in pointer.split("/") if p]:
        if not isinstance(value, dict) or part not in value:
            return None
        value = value[part]
    if value is None:
        return None
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, str):
        return "string"
    return "array" if isinstance(value, list) else "object"
