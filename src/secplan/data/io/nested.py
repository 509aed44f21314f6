"""Nested records (JSON objects, Parquet structs) become columns named by dotted paths.

``{"user": {"email": ...}}`` is the column ``user.email``; a list keeps its path and its values are
read element by element by the engines (``pyarrow.compute.list_flatten``), so a finding in a nested
field is reported as ``user.emails``.
"""

from __future__ import annotations

import pyarrow as pa


def _is_struct(field: pa.Field) -> bool:
    return pa.types.is_struct(field.type)


def flatten_schema(schema: pa.Schema) -> pa.Schema:
    while any(_is_struct(f) for f in schema):
        schema = pa.schema([child for f in schema for child in (f.flatten() if _is_struct(f) else [f])])
    return schema


def flatten_batch(batch: pa.RecordBatch) -> pa.RecordBatch:
    """Replace each struct column by its children (``a.b``), recursively; a null parent makes its
    children null (``StructArray.flatten`` applies the parent's validity)."""
    while any(_is_struct(f) for f in batch.schema):
        fields: list[pa.Field] = []
        arrays: list[pa.Array] = []
        for field, array in zip(batch.schema, batch.columns, strict=True):
            if _is_struct(field):
                fields.extend(field.flatten())
                arrays.extend(array.flatten())
            else:
                fields.append(field)
                arrays.append(array)
        batch = pa.RecordBatch.from_arrays(arrays, schema=pa.schema(fields))
    return batch
