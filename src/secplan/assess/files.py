"""Safe reads of project files for probes: bounded size, text only, never executed or unpickled."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from secplan import filetypes
from secplan.fsutil import utf8_path_or_file

MAX_TEXT_BYTES = 2 * 1024 * 1024


def read_text(path: Path, limit: int = MAX_TEXT_BYTES) -> str | None:
    """The file's text, or None when it is binary, unreadable or larger than ``limit``."""
    try:
        if path.stat().st_size > limit:
            return None
        data = path.read_bytes()
    except OSError:
        return None
    if b"\x00" in data[:8192]:
        return None
    return data.decode("utf-8", errors="replace")


def csv_header(path: Path) -> list[str]:
    """The header row of a CSV/TSV file (first 64 KiB), lower-cased; [] when unreadable."""
    try:
        with path.open("rb") as handle:
            head = handle.read(65536).decode("utf-8", errors="replace")
    except OSError:
        return []
    first = head.splitlines()[0] if head else ""
    delimiter = "\t" if filetypes.table_format(path.name) == "tsv" else ","
    try:
        return [c.strip().lower() for c in next(csv.reader(io.StringIO(first), delimiter=delimiter))]
    except (StopIteration, csv.Error):
        return []


def column_names(path: Path) -> list[str]:
    """Column names of a tabular dataset (CSV, TSV, Parquet), lower-cased."""
    fmt = filetypes.table_format(path.name)
    if fmt in ("csv", "tsv"):
        return csv_header(path)
    if fmt == "parquet":
        try:
            import pyarrow.parquet as pq

            return [name.lower() for name in pq.read_schema(utf8_path_or_file(path)).names]
        except Exception:  # corrupt or unreadable parquet: no columns to report
            return []
    return []
