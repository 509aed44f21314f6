"""Classify datasets: read batches through :mod:`secplan.data.io`, run the batch functions of
:mod:`columns` and :mod:`text` (here, or on Spark), add up and decide.

Unreadable files do not stop the run: each becomes a :class:`ReadProblem` and the others go on.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import pyarrow as pa

from secplan.data.classify.columns import Totals, add_counts, count_batch, decide
from secplan.data.classify.levels import Levels
from secplan.data.classify.model import ClassifyReport, DatasetResult, ReadProblem, TextFinding
from secplan.data.classify.text import find_in_batch, mask
from secplan.data.io import Dataset, Format, open_dataset
from secplan.errors import InputError
from secplan.vocabulary import Classification

#: Rows read per dataset unless ``--full``: enough for stable ratios, small enough to stay interactive.
DEFAULT_SAMPLE_ROWS = 10_000
Engine = Literal["local", "spark"]


@dataclass(frozen=True)
class ClassifyOptions:
    sample_rows: int | None = DEFAULT_SAMPLE_ROWS
    """``None`` scans every row (``--full``)."""
    show_values: bool = False
    overrides: Mapping[str, Classification] = field(default_factory=dict)
    """The plan's ``policy.classification.entity_overrides``."""


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
        from secplan.data.classify.text import FINDINGS_SCHEMA

        return pa.Table.from_batches(parts, schema=FINDINGS_SCHEMA), rows


def classify_dataset(path: Path, options: ClassifyOptions, scanner: Scanner | None = None,
                     display: str | None = None) -> DatasetResult:
    """Classify one file; raises :class:`InputError` when it cannot be read."""
    scanner = scanner or Scanner()
    levels = Levels(options.overrides)
    dataset = open_dataset(path)
    name = display or str(path)
    if dataset.format is Format.TEXT:
        table, rows = scanner.text_findings(dataset, options.sample_rows)
        table = table.sort_by([("start", "ascending"), ("end", "ascending"), ("type", "ascending")])
        findings = tuple(
            TextFinding(t, s, e, v if options.show_values else mask(t, v))
            for t, s, e, v in zip(*(table.column(c).to_pylist() for c in ("type", "start", "end", "text")), strict=True)
        )
        return DatasetResult(name, dataset.format.value, levels.highest(f.type for f in findings),
                             text_findings=findings, rows_scanned=rows, sampled=options.sample_rows is not None)
    totals, rows = scanner.column_totals(dataset, options.sample_rows)
    per_column: dict[str, dict[str, int]] = {}
    for (column, entity), matches in totals.items():
        per_column.setdefault(column, {})[entity] = matches
    columns = tuple(decide(c, per_column.get(c, {}), levels) for c in _column_order(dataset, per_column))
    return DatasetResult(name, dataset.format.value, levels.highest(e.type for c in columns for e in c.entities),
                         columns=columns, rows_scanned=rows, sampled=options.sample_rows is not None)


def _column_order(dataset: Dataset, seen: Mapping[str, object]) -> list[str]:
    names = list(dataset.schema.names)
    return names + sorted(n for n in seen if n not in names)


def expand(paths: Iterable[str | os.PathLike[str]]) -> list[Path]:
    """Files as given, and every file under a directory (sorted, hidden entries skipped). Inside a
    directory, binary files other than Parquet (model artifacts, encrypted files, images) are
    skipped: they hold no text to classify and are never opened by a parser."""
    files: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            for root, dirs, names in os.walk(path):
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                files.extend(Path(root) / n for n in sorted(names)
                             if not n.startswith(".") and not _binary(Path(root) / n))
        else:
            files.append(path)
    return files


def _binary(path: Path) -> bool:
    try:
        with path.open("rb") as handle:
            head = handle.read(4096)
    except OSError:
        return False  # reported when it is read
    return not head.startswith(b"PAR1") and b"\x00" in head


def classify_paths(paths: Iterable[str | os.PathLike[str]], options: ClassifyOptions, engine: Engine = "local",
                   on_file: Callable[[Path], None] | None = None, workers: int | None = None) -> ClassifyReport:
    """Classify every file; files that cannot be read are reported and skipped."""
    scanner: Scanner
    if engine == "spark":
        from secplan.data.spark import SparkScanner

        scanner = SparkScanner()
    else:
        scanner = Scanner(workers)
    report = ClassifyReport()
    for path in expand(paths):
        if on_file is not None:
            on_file(path)
        try:
            report.datasets.append(classify_dataset(path, options, scanner))
        except InputError as exc:
            report.problems.append(ReadProblem(str(path), exc.message))
    return report
