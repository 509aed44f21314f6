"""Nested records (JSON objects, Parquet structs) become columns named by dotted paths.

``{"user": {"email": ...}}`` is the column ``user.email``; a list keeps its path and its values are
read element by element by the engines (``pyarrow.compute.list_flatten``), so a finding in a nested
field is reported as ``user.emails``.
"""

from __future__ import annotations

from collections.abc import Iterator

import pyarrow as pa
import pyarrow.compute as pc


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


def _is_list(kind: pa.DataType) -> bool:
    return pa.types.is_list(kind) or pa.types.is_large_list(kind) or pa.types.is_fixed_size_list(kind)


def leaf_arrays(batch: pa.RecordBatch) -> Iterator[tuple[str, pa.Array]]:
    """Every leaf of a batch as ``(dotted path, values)``, looking through lists as well as structs:
    ``{"sessions": [{"ip": ...}]}`` gives ``sessions.ip`` with the IPs of every session of every row.
    The arrays are values, not rows: their lengths differ from the batch's (what column scans count)."""
    stack: list[tuple[str, pa.Array]] = [(f.name, a) for f, a in zip(batch.schema, batch.columns, strict=True)]
    stack.reverse()
    while stack:
        name, array = stack.pop()
        if isinstance(array, pa.ChunkedArray):
            array = array.combine_chunks()
        kind = array.type
        if _is_list(kind):
            inner = array
            while _is_list(inner.type):
                inner = pc.list_flatten(inner)
            if pa.types.is_struct(inner.type):
                stack.append((name, inner))
            else:
                yield name, array
        elif pa.types.is_struct(kind):
            children = array.flatten()
            stack.extend(reversed([(f"{name}.{kind.field(i).name}", child) for i, child in enumerate(children)]))
        else:
            yield name, array
