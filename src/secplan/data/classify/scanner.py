"""Where the classification batch functions run: :class:`Scanner` runs them in this process (and a
full scan of a large Parquet file in a pool of processes); :mod:`secplan.data.spark` subclasses it
to run them on Spark. Both engines sample validation the same way (:func:`validation_stride`).
"""

from __future__ import annotations

import os
from pathlib import Path

import pyarrow as pa

from secplan.data.classify.columns import Totals, add_counts, count_batch
from secplan.data.classify.text import FINDINGS_SCHEMA, find_in_batch
from secplan.data.io import Dataset, Format

#: Distinct candidates validated per entity and column, about (see :func:`validation_stride`).
VALIDATION_BUDGET = 5_000


def validation_stride(dataset: Dataset, sample_rows: int | None) -> int:
    """1 (check every candidate) for small reads; for large ones, check one distinct candidate in
    ``k`` (chosen by a hash of the value, so every engine checks the same ones) so that validators,
    which run in Python, do not bound the scan. About ``VALIDATION_BUDGET`` checks keep the match
    ratio within a couple of percent; rare values in huge files may go unchecked (docs say so)."""
    rows = sample_rows
    if rows is None:
        rows = dataset.num_rows if dataset.num_rows is not None else dataset.path.stat().st_size // 64
    return max(1, rows // VALIDATION_BUDGET)


#: A full scan of a Parquet file with at least this many rows is spread over worker processes.
POOL_MIN_ROWS = 200_000


def _row_groups_totals(path: str, groups: list[int], one_in: int) -> tuple[Totals, int]:
    """One worker's share of a full Parquet scan (module level, so a process pool can run it)."""
    from secplan.data.io.parquet import ParquetDataset

    totals: Totals = {}
    rows = 0
    for batch in ParquetDataset(Path(path)).iter_row_groups(groups):
        rows += batch.num_rows
        add_counts(totals, count_batch(batch, one_in))
    return totals, rows


class Scanner:
    """Where batch functions run. The local scanner runs them in this process, and a full scan of a
    large Parquet file in a pool of processes, one share of row groups each (counts add up, so the
    result is the same as in one process)."""

    def __init__(self, workers: int | None = None, pool_min_rows: int = POOL_MIN_ROWS) -> None:
        self.workers = workers if workers is not None else (os.cpu_count() or 1)
        self.pool_min_rows = pool_min_rows

    def _pooled(self, dataset: Dataset, one_in: int) -> tuple[Totals, int]:
        from concurrent.futures import ProcessPoolExecutor
        from multiprocessing import get_context

        groups = list(range(dataset.num_row_groups))  # type: ignore[attr-defined]
        workers = min(self.workers, len(groups))
        shares = [groups[n::workers] for n in range(workers)]
        totals: Totals = {}
        rows = 0
        with ProcessPoolExecutor(max_workers=workers, mp_context=get_context("spawn")) as pool:
            futures = [pool.submit(_row_groups_totals, str(dataset.path), share, one_in) for share in shares]
            for future in futures:
                part, part_rows = future.result()
                rows += part_rows
                for key, value in part.items():
                    totals[key] = totals.get(key, 0) + value
        return totals, rows

    def column_totals(self, dataset: Dataset, sample_rows: int | None) -> tuple[Totals, int]:
        totals: Totals = {}
        rows = 0
        one_in = validation_stride(dataset, sample_rows)
        if (sample_rows is None and dataset.format is Format.PARQUET and self.workers > 1
                and (dataset.num_rows or 0) >= self.pool_min_rows
                and getattr(dataset, "num_row_groups", 1) > 1):
            from concurrent.futures.process import BrokenProcessPool

            try:
                return self._pooled(dataset, one_in)
            except BrokenProcessPool:  # workers could not start (an interpreter without a main file)
                pass
        batches = dataset.iter_batches(sample_rows, strings=True)
        if sample_rows is not None:  # a sample is small: one batch, so each pattern compiles once
            parts = [pa.Table.from_batches([b]) for b in batches]
            if not parts:
                return totals, rows
            sample = pa.concat_tables(parts, promote_options="permissive").combine_chunks()
            batches = iter(sample.to_batches(max_chunksize=max(1, sample.num_rows)))
        for batch in batches:
            rows += batch.num_rows
            add_counts(totals, count_batch(batch, one_in))
        return totals, rows

    def text_findings(self, dataset: Dataset, sample_rows: int | None) -> tuple[pa.Table, int]:
        parts = []
        rows = 0
        for batch in dataset.iter_batches(sample_rows):
            rows += batch.num_rows
            parts.append(find_in_batch(batch))
        return pa.Table.from_batches(parts, schema=FINDINGS_SCHEMA), rows
