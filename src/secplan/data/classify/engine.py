"""Classify datasets: read batches through :mod:`secplan.data.io`, run the batch functions of
:mod:`columns` and :mod:`text` through a :class:`~.scanner.Scanner` (here, or on Spark), add up and decide.

Unreadable files do not stop the run: each becomes a :class:`ReadProblem` and the others go on.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Literal

from secplan import filetypes
from secplan.data.classify.columns import decide
from secplan.data.classify.levels import Levels
from secplan.data.classify.model import ClassifyReport, DatasetResult, ReadProblem, TextFinding
from secplan.data.classify.scanner import Scanner
from secplan.data.classify.text import mask
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
        types = {f.type for f in findings}
        return DatasetResult(name, dataset.format.value, levels.in_dataset(types, types),
                             text_findings=findings, rows_scanned=rows, sampled=options.sample_rows is not None)
    totals, rows = scanner.column_totals(dataset, options.sample_rows)
    per_column: dict[str, dict[str, int]] = {}
    for (column, entity), matches in totals.items():
        per_column.setdefault(column, {})[entity] = matches
    columns = tuple(decide(c, per_column.get(c, {}), levels) for c in _column_order(dataset, per_column))
    types = {e.type for c in columns for e in c.entities}
    columns = tuple(replace(c, classification=levels.in_dataset((e.type for e in c.entities), types))
                    for c in columns)
    return DatasetResult(name, dataset.format.value, levels.in_dataset(types, types),
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
            head = handle.read(filetypes.HEAD)
    except OSError:
        return False  # reported when it is read
    found = filetypes.identify(head)
    return (found is None or found.name != "parquet") and b"\x00" in head


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
