"""Run the classification batch functions on Apache Spark (``--engine spark``).

The functions are the local engine's own (:func:`secplan.data.classify.columns.count_batches`,
:func:`secplan.data.classify.text.find_in_batches`), applied with ``DataFrame.mapInArrow``; counts
are summed with a ``groupBy`` and findings collected, so results equal the local engine's.

Where rows come from: for a full scan of Parquet, CSV/TSV and JSON Lines Spark reads the files
itself (spread over executors, for data that outgrows one machine); a sample, and text files (whose
findings need character offsets from the start of the file), are read by secplan's readers on the
driver and handed to Spark as Arrow.
"""

from __future__ import annotations

import functools
import os
import sys
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING

import pyarrow as pa

from secplan.data.classify.columns import Totals, add_counts, count_batches
from secplan.data.classify.scanner import Scanner, validation_stride
from secplan.data.classify.text import FINDINGS_SCHEMA, find_in_batches
from secplan.data.io import Dataset, Format
from secplan.errors import InputError

if TYPE_CHECKING:
    from pyspark.sql import DataFrame, SparkSession

COUNTS_DDL = "column string, entity string, matches long"
FINDINGS_DDL = "type string, start long, end long, text string"


@functools.cache
def session() -> SparkSession:
    """One Spark session per process: ``SECPLAN_SPARK_MASTER`` or ``local[*]``, no web UI."""
    try:
        from pyspark.sql import SparkSession
    except ImportError as exc:  # pragma: no cover - depends on the installation
        raise InputError("--engine spark needs pyspark: pip install 'secplan[classify]'") from exc
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    os.environ.setdefault("PYSPARK_DRIVER_PYTHON", sys.executable)
    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    builder = (
        SparkSession.builder.master(os.environ.get("SECPLAN_SPARK_MASTER", "local[*]"))
        .appName("secplan-classify")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.shuffle.partitions", "4")
        .config("spark.sql.execution.arrow.pyspark.enabled", "true")
        .config("spark.sql.execution.arrow.maxRecordsPerBatch", "65536")
        .config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.driver.host", "127.0.0.1")
    )
    spark = builder.getOrCreate()
    spark.sparkContext.setLogLevel("ERROR")
    return spark


class SparkScanner(Scanner):
    """A :class:`Scanner` whose batch functions run on Spark executors."""

    def __init__(self, spark: SparkSession | None = None) -> None:
        super().__init__(workers=1)
        self.spark = spark or session()

    def _frame(self, dataset: Dataset, sample_rows: int | None, strings: bool) -> tuple[DataFrame, int | None]:
        path = str(dataset.path)
        reader = self.spark.read
        if sample_rows is None and dataset.format is Format.PARQUET:
            return reader.parquet(path), dataset.num_rows
        if sample_rows is None and dataset.format in (Format.CSV, Format.TSV):
            sep = "\t" if dataset.format is Format.TSV else ","
            frame = reader.csv(path, header=True, sep=sep, quote='"', escape='"', multiLine=True, mode="FAILFAST",
                               inferSchema=False, encoding="UTF-8")
            return frame, None
        if sample_rows is None and dataset.format is Format.JSONL:
            return reader.json(path, mode="FAILFAST", primitivesAsString=True), None
        table = pa.Table.from_batches(list(dataset.iter_batches(sample_rows, strings=strings)), schema=None) \
            if dataset.format is not Format.TEXT or sample_rows is not None \
            else pa.Table.from_batches(list(dataset.iter_batches(None)))
        return self.spark.createDataFrame(table), table.num_rows

    def column_totals(self, dataset: Dataset, sample_rows: int | None) -> tuple[Totals, int]:
        frame, rows = self._frame(dataset, sample_rows, strings=True)
        frame, names = _plain_names(frame)
        count = functools.partial(count_batches, one_in=validation_stride(dataset, sample_rows))
        counts = frame.mapInArrow(_named(count, names), COUNTS_DDL).groupBy("column", "entity").sum("matches")
        table = pa.Table.from_pylist(
            [{"column": r[0], "entity": r[1], "matches": int(r[2])} for r in _collect(counts, dataset)]
        )
        totals: Totals = {}
        if table.num_rows:
            add_counts(totals, table)
        if rows is None:
            rows = frame.count()
        return totals, rows

    def text_findings(self, dataset: Dataset, sample_rows: int | None) -> tuple[pa.Table, int]:
        frame, rows = self._frame(dataset, sample_rows, strings=False)
        frame, names = _plain_names(frame)
        found = _collect(frame.mapInArrow(_named(find_in_batches, names), FINDINGS_DDL), dataset)
        table = pa.Table.from_pylist([r.asDict() for r in found], schema=FINDINGS_SCHEMA)
        return table, rows or 0


def _plain_names(frame: DataFrame) -> tuple[DataFrame, list[str]]:
    """Spark resolves a column named ``user.ip`` as a struct field; run on ``c0, c1, ...`` instead
    and give the batch functions the real names back (column-name hints depend on them)."""
    names = list(frame.columns)
    return frame.toDF(*[f"c{i}" for i in range(len(names))]), names


def _named(func: Callable[[Iterator[pa.RecordBatch]], Iterator[pa.RecordBatch]], names: list[str]):
    def run(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        return func(batch.rename_columns(names) for batch in batches)

    return run


def _collect(frame: DataFrame, dataset: Dataset) -> list:
    """Collect, turning Spark's read failures (FAILFAST) into the same kind of error the local engine gives."""
    try:
        return frame.collect()
    except Exception as exc:
        if type(exc).__module__.startswith(("pyspark", "py4j")):
            first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            raise InputError(f"{dataset.path}: Spark could not read it: {first[:300]}") from None
        raise
