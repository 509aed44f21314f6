"""CSV and TSV through Arrow's multithreaded parser, streamed block by block."""

from __future__ import annotations

import csv as pycsv
import io
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import IO

import pyarrow as pa
from pyarrow import csv as pacsv

from secplan.data.io.interface import DEFAULT_BATCH_ROWS, Dataset, Format
from secplan.data.io.problems import bad_input, check_encoding_head, locate_bad_utf8, spread_offsets
from secplan.fsutil import utf8_path_or_file

_BLOCK = 1 << 20
_SAMPLE_PIECES = 8


class _RowProblem:
    """Remembers the first ragged row; Arrow's own message does not say which line it was."""

    def __init__(self) -> None:
        self.row: int | None = None
        self.detail = ""
        self.undecodable = False
        """Arrow could not hand us a ragged row because its bytes are not UTF-8 (see ``_row_not_utf8``)."""

    def __call__(self, row: pacsv.InvalidRow) -> str:
        if self.row is None:
            self.row = row.number
            self.detail = f"expected {row.expected_columns} fields, found {row.actual_columns}"
        return "error"


def _row_not_utf8(previous=sys.unraisablehook):
    """Arrow decodes a ragged row's text before calling the handler; bytes that are not UTF-8 make that
    fail inside Arrow, which prints the traceback as "Exception ignored". Mark the handler instead
    (its read then fails with a one-line encoding error) and leave every other report alone."""

    def hook(unraisable) -> None:
        if isinstance(unraisable.object, _RowProblem) and issubclass(unraisable.exc_type, UnicodeDecodeError):
            unraisable.object.undecodable = True
            return
        previous(unraisable)

    return hook


sys.unraisablehook = _row_not_utf8()


class CsvDataset(Dataset):
    def __init__(self, path: Path, fmt: Format = Format.CSV) -> None:
        self.path = path
        self.format = fmt
        self.delimiter = "\t" if fmt is Format.TSV else ","
        with path.open("rb") as handle:
            head = handle.read(_BLOCK)
        check_encoding_head(path, head)
        if not head.strip():
            raise bad_input(path, None, "file is empty")
        first = head.split(b"\n", 1)[0]
        if len(first) >= _BLOCK and b"\n" not in head:
            raise bad_input(path, "line 1", f"header line is longer than {_BLOCK} bytes")
        try:
            text = first.decode("utf-8-sig").rstrip("\r")
        except UnicodeDecodeError as exc:
            raise bad_input(path, f"line 1 (byte {exc.start})", "header is not valid UTF-8") from None
        try:
            names = next(pycsv.reader([text], delimiter=self.delimiter), [])
        except pycsv.Error as exc:
            raise bad_input(path, "line 1", f"header is not valid CSV ({exc})") from None
        if not names or all(not n.strip() for n in names):
            raise bad_input(path, "line 1", "no header row")
        seen: set[str] = set()
        for name in names:
            if name in seen:
                raise bad_input(path, "line 1", f"column {name!r} appears twice in the header")
            seen.add(name)
        self.names = names
        self.size = path.stat().st_size
        self._schema: pa.Schema | None = None

    @property
    def schema(self) -> pa.Schema:
        if self._schema is None:
            batch = next(self._read(0, None, strings=False, batch_rows=1000, limit=1000), None)
            self._schema = batch.schema if batch is not None else pa.schema([(n, pa.string()) for n in self.names])
        return self._schema

    def _batches(
        self, sample_rows: int | None = None, *, strings: bool = False, batch_rows: int = DEFAULT_BATCH_ROWS
    ) -> Iterator[pa.RecordBatch]:
        if sample_rows is None or self.size <= _BLOCK * _SAMPLE_PIECES:
            yield from self._read(0, None, strings=strings, batch_rows=batch_rows, limit=sample_rows)
            return
        yield from self._sample(sample_rows, strings=strings, batch_rows=batch_rows)

    def _sample(self, sample_rows: int, *, strings: bool, batch_rows: int) -> Iterator[pa.RecordBatch]:
        """Read a few byte ranges spread through the file. A range that starts inside a quoted
        field cannot be parsed on its own; then the sample falls back to the head of the file."""
        per_piece = max(1, sample_rows // _SAMPLE_PIECES)
        head = list(self._read(0, None, strings=strings, batch_rows=batch_rows, limit=per_piece))
        got = sum(b.num_rows for b in head)
        if got < per_piece:  # the whole file was shorter than one piece
            yield from head
            return
        types = head[0].schema
        with self.path.open("rb") as handle:
            head_bytes = handle.read(_BLOCK)
        row_bytes = max(16, len(head_bytes) // max(1, head_bytes.count(b"\n")))
        pieces: list[pa.RecordBatch] = []
        try:
            for offset in spread_offsets(self.size, _SAMPLE_PIECES)[1:]:
                pieces.extend(self._read(offset, per_piece * row_bytes * 2, strings=strings,
                                         batch_rows=batch_rows, limit=per_piece, types=types))
        except _Misaligned:
            yield from self._read(0, None, strings=strings, batch_rows=batch_rows, limit=sample_rows)
            return
        yield from head
        yield from pieces

    def _read(
        self, offset: int, length: int | None, *, strings: bool, batch_rows: int, limit: int | None,
        types: pa.Schema | None = None,
    ) -> Iterator[pa.RecordBatch]:
        """Parse rows from ``offset``; a non-zero offset is a sample piece, parsed with the head's
        types, and any failure there means the piece was misaligned, not that the file is bad."""
        strict = types is not None
        problem = _RowProblem()
        source = self._source(offset, length)
        if source is None:
            return
        read = pacsv.ReadOptions(block_size=_BLOCK, use_threads=False,
                                 column_names=self.names, skip_rows=1 if offset == 0 else 0)
        parse = pacsv.ParseOptions(delimiter=self.delimiter, newlines_in_values=offset == 0,
                                   invalid_row_handler=problem)
        if strings:
            column_types = {n: pa.string() for n in self.names}
        elif types is not None:
            column_types = {f.name: f.type for f in types}
        else:
            column_types = None
        convert = pacsv.ConvertOptions(
            column_types=column_types,
            strings_can_be_null=False,
        )
        remaining = limit
        try:
            reader = pacsv.open_csv(source, read_options=read, parse_options=parse, convert_options=convert)
            if any(pa.types.is_binary(f.type) or pa.types.is_large_binary(f.type) for f in reader.schema):
                # Arrow infers bytes that are not UTF-8 as binary instead of failing: refuse them here.
                raise bad_input(self.path, locate_bad_utf8(self.path), "bytes that are not valid UTF-8 (wrong encoding?)")
            for batch in _rebatch(reader, batch_rows):
                if remaining is not None:
                    if remaining <= 0:
                        return
                    if batch.num_rows > remaining:
                        batch = batch.slice(0, remaining)
                    remaining -= batch.num_rows
                yield batch
        except (pa.ArrowInvalid, pa.ArrowTypeError, pa.ArrowNotImplementedError) as exc:
            if strict:
                raise _Misaligned from exc
            raise self._explain(exc, problem) from None

    def _source(self, offset: int, length: int | None) -> str | IO[bytes] | None:
        if offset == 0 and length is None:
            return utf8_path_or_file(self.path)
        with self.path.open("rb") as handle:
            handle.seek(offset)
            data = handle.read(length if length is not None else -1)
        start = data.find(b"\n") + 1 if offset else 0
        end = data.rfind(b"\n") + 1
        if end <= start:
            return None
        return io.BytesIO(data[start:end])

    def _explain(self, exc: Exception, problem: _RowProblem) -> Exception:
        text = str(exc)
        if problem.undecodable:
            return bad_input(self.path, locate_bad_utf8(self.path), "bytes that are not valid UTF-8 (wrong encoding?)")
        if problem.row is not None:
            return bad_input(self.path, f"line {problem.row}", f"ragged row: {problem.detail}")
        if "UTF8" in text or "utf8" in text or "utf-8" in text.lower():
            where = locate_bad_utf8(self.path)
            return bad_input(self.path, where, "bytes that are not valid UTF-8 (wrong encoding?)")
        if "straddling" in text or "block size" in text:
            return bad_input(self.path, None, f"a row or quoted field is longer than {_BLOCK} bytes "
                             "(huge line or an unclosed quote)")
        return bad_input(self.path, None, f"cannot parse as {self.format.value.upper()}: {text}")


class _Misaligned(Exception):
    """A sampled byte range did not start at a row boundary."""


def _rebatch(reader: pacsv.CSVStreamingReader, rows: int) -> Iterator[pa.RecordBatch]:
    """Arrow's batches follow its block size; engines want predictable batch sizes."""
    for batch in reader:
        for start in range(0, batch.num_rows, rows):
            yield batch.slice(start, rows)
