"""The worker's wire format: a length-prefixed JSON header followed by raw array bytes.

Nothing is pickled in either direction, so the evaluating process never runs code the model
brought: numeric arrays travel as bytes of a dtype from a short allowlist (read back with
``numpy.frombuffer``), strings as JSON lists. Sizes are bounded before anything is allocated.
"""

from __future__ import annotations

import json
import struct
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

MAX_HEADER = 64 * 1024 * 1024
"""Bytes a message header may have (string columns travel in it)."""
MAX_ARRAY = 1024 * 1024 * 1024
"""Bytes one array may have."""
DTYPES = frozenset({"<f8", "<f4", "<i8", "<i4", "<i2", "|i1", "<u8", "<u4", "<u2", "|u1", "|b1"})
"""Array dtypes accepted on the wire (little-endian numbers and booleans; never ``object``)."""
_LEN = struct.Struct(">I")


class ProtocolError(Exception):
    """A message that breaks the format (too large, unknown dtype, truncated)."""


def encode_array(array: np.ndarray) -> tuple[dict[str, Any], bytes]:
    """Describe ``array`` for the header and return its bytes; strings and objects become a JSON list."""
    array = np.asarray(array)
    if array.dtype.kind in "OUS":
        values = [None if _missing(v) else (v.item() if isinstance(v, np.generic) else v) for v in array.ravel()]
        return {"shape": list(array.shape), "values": [v if v is None or isinstance(v, int | float | bool) else str(v)
                                                       for v in values]}, b""
    if array.dtype.kind == "f" and array.dtype.itemsize not in (4, 8):
        array = array.astype("<f8")
    little = array.astype(array.dtype.newbyteorder("<"), copy=False)
    if little.dtype.str not in DTYPES:
        little = array.astype("<f8")
    data = np.ascontiguousarray(little).tobytes()
    return {"shape": list(array.shape), "dtype": little.dtype.str, "nbytes": len(data)}, data


def _missing(value: object) -> bool:
    return value is None or (isinstance(value, float) and value != value)


def decode_array(meta: dict[str, Any], data: bytes) -> np.ndarray:
    shape = tuple(int(s) for s in meta.get("shape", ()))
    if "values" in meta:
        values = meta["values"]
        if not isinstance(values, list):
            raise ProtocolError("string array values are not a list")
        out = np.empty(len(values), dtype=object)
        out[:] = values
        return out.reshape(shape)
    dtype = meta.get("dtype")
    if dtype not in DTYPES:
        raise ProtocolError(f"array dtype {dtype!r} is not allowed")
    array = np.frombuffer(data, dtype=np.dtype(dtype))
    if int(np.prod(shape, dtype=np.int64)) != array.size:
        raise ProtocolError("array shape does not match its bytes")
    return array.reshape(shape)


def write_message(write: Callable[[bytes], Any], header: dict[str, Any], arrays: Sequence[np.ndarray] = ()) -> None:
    """Send ``header`` with ``arrays`` (described in ``header['arrays']``)."""
    metas, blobs = [], []
    for array in arrays:
        meta, blob = encode_array(array)
        metas.append(meta)
        blobs.append(blob)
    raw = json.dumps({**header, "arrays": metas}, allow_nan=True).encode("utf-8")
    if len(raw) > MAX_HEADER:
        raise ProtocolError(f"message header of {len(raw)} bytes is over the {MAX_HEADER}-byte limit")
    write(_LEN.pack(len(raw)) + raw)
    for blob in blobs:
        if blob:
            write(blob)


def read_message(read_exact: Callable[[int], bytes]) -> tuple[dict[str, Any], list[np.ndarray]]:
    """Receive one message: its header and its arrays, every size checked before reading."""
    (size,) = _LEN.unpack(read_exact(_LEN.size))
    if size > MAX_HEADER:
        raise ProtocolError(f"message header of {size} bytes is over the {MAX_HEADER}-byte limit")
    try:
        header = json.loads(read_exact(size))
    except ValueError as exc:
        raise ProtocolError(f"message header is not JSON ({exc})") from None
    if not isinstance(header, dict) or not isinstance(header.get("arrays", []), list):
        raise ProtocolError("message header is not an object with an 'arrays' list")
    arrays = []
    for meta in header.pop("arrays", []):
        if not isinstance(meta, dict):
            raise ProtocolError("array description is not an object")
        nbytes = int(meta.get("nbytes", 0))
        if nbytes < 0 or nbytes > MAX_ARRAY:
            raise ProtocolError(f"array of {nbytes} bytes is over the {MAX_ARRAY}-byte limit")
        arrays.append(decode_array(meta, read_exact(nbytes) if nbytes else b""))
    return header, arrays

