"""The one shape every reader returns: a :class:`Dataset` that yields Arrow record batches."""

from __future__ import annotations

import abc
import re
from collections.abc import Iterator
from enum import StrEnum
from pathlib import Path

import pyarrow as pa

#: Rows per batch when a reader is free to choose; large enough for vectorised kernels to pay off.
DEFAULT_BATCH_ROWS = 65_536


class Format(StrEnum):
    CSV = "csv"
    TSV = "tsv"
    PARQUET = "parquet"
    JSONL = "jsonl"
    TEXT = "text"


class Dataset(abc.ABC):
    """A readable dataset. Reading is lazy: opening checks the header, batches come on demand.

    ``iter_batches(sample_rows=N)`` yields about ``N`` rows taken from places spread through the
    file (row groups for Parquet, byte ranges for line-based formats) so that a sample is not only
    the head of the file; ``sample_rows=None`` yields every row. Text files yield one row per line
    (long lines are cut into pieces) with the columns ``text`` and ``offset``: the character offset
    of the piece in the file's decoded text.
    """

    format: Format
    path: Path

    @property
    @abc.abstractmethod
    def schema(self) -> pa.Schema:
        """Column names and Arrow types (nested JSON fields are flattened to dotted paths)."""

    @property
    def num_rows(self) -> int | None:
        """Row count when the format records it (Parquet), else ``None``."""
        return None

    def iter_batches(
        self, sample_rows: int | None = None, *, strings: bool = False, batch_rows: int = DEFAULT_BATCH_ROWS
    ) -> Iterator[pa.RecordBatch]:
        """Yield record batches; with ``strings=True`` every column is read as text where the
        format allows it (CSV keeps leading zeros and ``+`` signs that type inference would drop).

        Every batch is validated in full first (a few milliseconds per 50 MB): Arrow does not check
        the UTF-8 of Parquet strings or JSON field names when it reads them, and the compute kernels
        that run on them later fail without saying which file or column was at fault."""
        for batch in self._batches(sample_rows, strings=strings, batch_rows=batch_rows):
            yield validate_batch(self.path, batch)

    @abc.abstractmethod
    def _batches(self, sample_rows: int | None, *, strings: bool, batch_rows: int) -> Iterator[pa.RecordBatch]:
        """The reader's batches, unvalidated."""


_COLUMN = re.compile(r"^Column (\d+):")


def validate_batch(path: Path, batch: pa.RecordBatch) -> pa.RecordBatch:
    """``batch`` if its names and values are well formed, else an InputError naming the column."""
    from secplan.data.io.problems import bad_input

    try:
        names = batch.schema.names
    except UnicodeDecodeError:
        raise bad_input(path, None, "a column or field name is not valid UTF-8 (wrong encoding?)") from None
    try:
        batch.validate(full=True)
    except pa.ArrowInvalid as exc:
        found = _COLUMN.match(str(exc))
        where = f"column {names[int(found.group(1))]!r}" if found and int(found.group(1)) < len(names) else None
        detail = "bytes that are not valid UTF-8 (wrong encoding?)" if "UTF8" in str(exc) else "damaged values"
        raise bad_input(path, where, detail) from None
    return batch
