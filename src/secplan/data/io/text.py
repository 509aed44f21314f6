"""Plain text: one row per line with its character offset, so findings point into the file's text."""

from __future__ import annotations

import codecs
from collections.abc import Iterator
from pathlib import Path

import pyarrow as pa

from secplan.data.io.interface import DEFAULT_BATCH_ROWS, Dataset, Format
from secplan.data.io.problems import bad_input, check_encoding_head, locate_bad_utf8

#: Lines longer than this are cut into pieces of this many characters (a "huge line" stays readable).
MAX_PIECE_CHARS = 65_536
_CHUNK = 1 << 20
SCHEMA = pa.schema([("text", pa.string()), ("offset", pa.int64())])


class TextDataset(Dataset):
    format = Format.TEXT

    def __init__(self, path: Path) -> None:
        self.path = path
        with path.open("rb") as handle:
            head = handle.read(4096)
        check_encoding_head(path, head)
        if not head:
            raise bad_input(path, None, "file is empty")
        nul = head.find(b"\x00")
        if nul >= 0:
            raise bad_input(path, f"byte {nul}", "binary content (NUL bytes) in a text file")

    @property
    def schema(self) -> pa.Schema:
        return SCHEMA

    def _batches(
        self, sample_rows: int | None = None, *, strings: bool = False, batch_rows: int = DEFAULT_BATCH_ROWS
    ) -> Iterator[pa.RecordBatch]:
        """Text is always read from its start (offsets count characters from there); a sample is the
        first ``sample_rows`` lines."""
        texts: list[str] = []
        offsets: list[int] = []
        emitted = 0
        for text, offset in self._pieces():
            texts.append(text)
            offsets.append(offset)
            if sample_rows is not None and emitted + len(texts) >= sample_rows:
                break
            if len(texts) >= batch_rows:
                yield pa.record_batch([pa.array(texts, pa.string()), pa.array(offsets, pa.int64())], schema=SCHEMA)
                emitted += len(texts)
                texts, offsets = [], []
        if texts:
            yield pa.record_batch([pa.array(texts, pa.string()), pa.array(offsets, pa.int64())], schema=SCHEMA)

    def _pieces(self) -> Iterator[tuple[str, int]]:
        decoder = codecs.getincrementaldecoder("utf-8-sig")()
        offset = 0
        pending = ""
        with self.path.open("rb") as handle:
            while True:
                chunk = handle.read(_CHUNK)
                try:
                    pending += decoder.decode(chunk, final=not chunk)
                except UnicodeDecodeError:
                    where = locate_bad_utf8(self.path)
                    raise bad_input(self.path, where, "bytes that are not valid UTF-8 (wrong encoding?)") from None
                lines = pending.split("\n")
                pending = lines.pop() if chunk else ""
                if not chunk and lines == [""]:
                    lines = []
                for line in lines:
                    yield from _cut(line, offset)
                    offset += len(line) + 1
                while len(pending) > MAX_PIECE_CHARS:  # a huge line: emit it in pieces as it arrives
                    yield pending[:MAX_PIECE_CHARS], offset
                    offset += MAX_PIECE_CHARS
                    pending = pending[MAX_PIECE_CHARS:]
                if not chunk:
                    if pending:
                        yield pending, offset
                    return


def _cut(line: str, offset: int) -> Iterator[tuple[str, int]]:
    for start in range(0, max(1, len(line)), MAX_PIECE_CHARS):
        yield line[start : start + MAX_PIECE_CHARS], offset + start
