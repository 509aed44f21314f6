"""Read and write the tables the anonymiser and validator work on.

Reading goes through the shared dataset readers (:mod:`secplan.data.io`) when they are installed, so
every data engine accepts the same formats and reports bad input the same way; a plain pyarrow
reader is the fallback. Writing is atomic: a reader of ``OUT`` sees the old file or the new one.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from secplan import filetypes
from secplan.errors import InputError
from secplan.fsutil import atomic_writer, utf8_path_or_file

if TYPE_CHECKING:
    import pandas as pd


def read_table(path: Path) -> pd.DataFrame:
    """The whole table at ``path`` as a DataFrame; a clear :class:`InputError` if it cannot be read."""
    import pyarrow as pa

    if not path.is_file():
        raise InputError(f"{path}: no such file")
    try:
        from secplan.data.io import open_dataset
    except ImportError:
        open_dataset = None
    if open_dataset is not None:
        dataset = open_dataset(path)
        if str(dataset.format) == "text":
            raise InputError(f"{path}: not a table (read as plain text); use CSV, TSV, Parquet or JSON Lines")
        batches = list(dataset.iter_batches(sample_rows=None))
        table = pa.Table.from_batches(batches, schema=batches[0].schema if batches else dataset.schema)
    else:
        table = _read_with_pyarrow(path)
    if table.num_columns == 0:
        raise InputError(f"{path}: the table has no columns")
    return table.to_pandas()


def _read_with_pyarrow(path: Path):
    import pyarrow as pa
    import pyarrow.csv as pacsv
    import pyarrow.json as pajson
    import pyarrow.parquet as pq

    kind = _kind(path)
    if path.stat().st_size == 0:
        raise InputError(f"{path}: file is empty")
    try:
        if kind == "parquet":
            return pq.read_table(utf8_path_or_file(path))
        if kind == "jsonl":
            return pajson.read_json(utf8_path_or_file(path))
        delimiter = "\t" if kind == "tsv" else ","
        return pacsv.read_csv(utf8_path_or_file(path), parse_options=pacsv.ParseOptions(delimiter=delimiter))
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError, UnicodeDecodeError) as exc:
        raise InputError(f"{path}: cannot read as {kind}: {exc}") from None


def _kind(path: Path) -> str:
    kind = filetypes.table_format(path.name)
    if kind is None:
        raise InputError(f"{path}: unsupported format {path.suffix or '(no suffix)'}; use .csv, .tsv, .parquet or .jsonl")
    return kind


def write_table(df: pd.DataFrame, path: Path) -> None:
    """Write ``df`` to ``path`` in the format its suffix names, atomically."""
    import pyarrow as pa
    import pyarrow.csv as pacsv
    import pyarrow.parquet as pq

    kind = _kind(path)
    table = pa.Table.from_pandas(df, preserve_index=False)
    with atomic_writer(path, "wb") as handle:
        if kind == "parquet":
            pq.write_table(table, handle)
        elif kind == "jsonl":
            handle.write(df.to_json(orient="records", lines=True, date_format="iso").encode())
        else:
            delimiter = "\t" if kind == "tsv" else ","
            pacsv.write_csv(table, handle, write_options=pacsv.WriteOptions(delimiter=delimiter))
