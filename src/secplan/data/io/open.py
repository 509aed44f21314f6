"""Pick the reader for a file by its first bytes and its name."""

from __future__ import annotations

import os
from pathlib import Path

from secplan import filetypes
from secplan.data.io.csv import CsvDataset
from secplan.data.io.interface import Dataset, Format
from secplan.data.io.jsonl import JsonlDataset
from secplan.data.io.parquet import ParquetDataset
from secplan.data.io.problems import bad_input
from secplan.data.io.text import TextDataset

_UNREAD = filetypes.DATASET_SUFFIXES | filetypes.ARCHIVE_SUFFIXES | filetypes.COMPRESSION_SUFFIXES
MAX_COLUMNS = 4096
"""Columns a dataset may have: wide enough for real feature tables, bounded so that a crafted
header cannot turn one small file into minutes of per-column work."""


def detect_format(path: Path) -> Format:
    """Parquet by its magic bytes, the rest by suffix; anything else that is text is read as text."""
    with path.open("rb") as handle:
        found = filetypes.identify(handle.read(filetypes.HEAD))
    if found is not None and found.name == "parquet":
        return Format.PARQUET
    table = filetypes.table_format(path.name)
    if table is not None:
        return Format(table)
    suffix = filetypes.suffix(path.name)
    if suffix in _UNREAD:
        raise bad_input(path, None, f"{suffix} files are not supported yet; convert to CSV, Parquet or JSON Lines")
    return Format.TEXT


def _open(path: Path, chosen: Format) -> Dataset:
    if chosen in (Format.CSV, Format.TSV):
        return CsvDataset(path, chosen)
    if chosen is Format.PARQUET:
        return ParquetDataset(path)
    if chosen is Format.JSONL:
        return JsonlDataset(path)
    return TextDataset(path)


def open_dataset(path: str | os.PathLike[str], fmt: Format | str | None = None) -> Dataset:
    """Open ``path`` for reading; raises :class:`~secplan.errors.InputError` for anything unreadable."""
    path = Path(path)
    if not path.exists():
        raise bad_input(path, None, "no such file")
    if not path.is_file():
        raise bad_input(path, None, "not a regular file")
    try:
        dataset = _open(path, Format(fmt) if fmt is not None else detect_format(path))
        columns = len(dataset.schema)
        if columns > MAX_COLUMNS:
            raise bad_input(path, None, f"{columns} columns, more than the {MAX_COLUMNS} secplan reads "
                            "(split the file, or keep the columns to check)")
        return dataset
    except PermissionError:
        raise bad_input(path, None, "permission denied") from None
    except ValueError as exc:
        raise bad_input(path, None, str(exc)) from None
