"""Parquet: the footer gives the schema and row groups, so a sample reads only a few of them."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from secplan.data.io.interface import DEFAULT_BATCH_ROWS, Dataset, Format, validate_batch
from secplan.data.io.nested import flatten_batch, flatten_schema
from secplan.data.io.problems import bad_input
from secplan.fsutil import utf8_path_or_file

#: A sample reads at least this many row groups (when the file has them), so it is not just the head.
_MIN_SPREAD = 8


class ParquetDataset(Dataset):
    format = Format.PARQUET

    def __init__(self, path: Path) -> None:
        self.path = path
        if path.stat().st_size == 0:
            raise bad_input(path, None, "file is empty")
        try:
            self._file = pq.ParquetFile(utf8_path_or_file(path))
        except (pa.ArrowException, OSError) as exc:
            raise bad_input(path, "footer", f"not a readable Parquet file ({exc})") from None
        self._schema = flatten_schema(self._file.schema_arrow)

    @property
    def schema(self) -> pa.Schema:
        return self._schema

    @property
    def num_rows(self) -> int:
        return self._file.metadata.num_rows

    def sample_row_groups(self, sample_rows: int | None) -> list[int]:
        """Row groups to read: all of them, or enough evenly spaced ones to hold ``sample_rows``."""
        groups = self._file.metadata.num_row_groups
        if sample_rows is None or self.num_rows <= sample_rows or groups <= 1:
            return list(range(groups))
        per_group = max(1, self.num_rows // groups)
        wanted = min(groups, max(_MIN_SPREAD, -(-sample_rows // per_group)))
        return sorted({groups * i // wanted for i in range(wanted)})

    @property
    def num_row_groups(self) -> int:
        return self._file.metadata.num_row_groups

    def iter_row_groups(self, groups: list[int], *, batch_rows: int = DEFAULT_BATCH_ROWS) -> Iterator[pa.RecordBatch]:
        """Every row of the given row groups (a worker's share of a full scan)."""
        for group in groups:
            try:
                for batch in self._file.iter_batches(batch_size=batch_rows, row_groups=[group]):
                    yield validate_batch(self.path, flatten_batch(batch))
            except (pa.ArrowException, OSError) as exc:
                raise bad_input(self.path, f"row group {group}", f"corrupt data ({exc})") from None

    def _batches(
        self, sample_rows: int | None = None, *, strings: bool = False, batch_rows: int = DEFAULT_BATCH_ROWS
    ) -> Iterator[pa.RecordBatch]:
        groups = self.sample_row_groups(sample_rows)
        per_group = None if sample_rows is None else max(1, -(-sample_rows // max(1, len(groups))))
        for group in groups:
            remaining = per_group
            try:
                size = batch_rows if per_group is None else max(1, min(batch_rows, per_group))
                for batch in self._file.iter_batches(batch_size=size, row_groups=[group]):
                    if remaining is not None:
                        if remaining <= 0:
                            break
                        batch = batch.slice(0, remaining)
                        remaining -= batch.num_rows
                    yield flatten_batch(batch)
            except (pa.ArrowException, OSError) as exc:
                raise bad_input(self.path, f"row group {group}", f"corrupt data ({exc})") from None
