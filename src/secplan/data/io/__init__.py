"""Readers that turn CSV, TSV, Parquet, JSON Lines and plain text into Arrow record batches.

Every data engine (classify, anonymise, validate) reads through :func:`open_dataset`, so that all of
them accept the same formats, sample the same way and report bad input with the same clear errors
(an :class:`~secplan.errors.InputError` naming the file and the line, row or row group).
"""

from secplan.data.io.interface import Dataset, Format
from secplan.data.io.open import detect_format, open_dataset

__all__ = ["Dataset", "Format", "detect_format", "open_dataset"]
