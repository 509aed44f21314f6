"""``.npy``: a literal header, then raw data or, for object arrays, a pickle (which is what
``numpy.load(allow_pickle=True)`` would run)."""

from __future__ import annotations

import ast
import struct
from typing import Any

from secplan.model.scan.result import Finding, Verdict
from secplan.model.scan.stream import Reader, Truncated

MAX_HEADER = 1 << 16


def read_header(r: Reader) -> dict[str, Any]:
    """The header dict; ``ValueError`` when it is not what numpy writes."""
    magic = r.read(8)
    major = magic[6]
    if major == 1:
        (length,) = struct.unpack("<H", r.read(2))
    elif major in (2, 3):
        (length,) = struct.unpack("<I", r.read(4))
    else:
        raise ValueError(f"unknown .npy format version {major}")
    if length > MAX_HEADER:
        raise ValueError(f"header of {length} bytes is larger than {MAX_HEADER}")
    text = r.read(length).decode("utf-8" if major == 3 else "latin-1")
    header = ast.literal_eval(text)  # literals only: never evaluates code
    if not isinstance(header, dict) or set(header) != {"descr", "fortran_order", "shape"}:
        raise ValueError("header must be a dict with exactly descr, fortran_order and shape")
    shape = header["shape"]
    if not isinstance(shape, tuple) or not all(isinstance(d, int) and d >= 0 for d in shape):
        raise ValueError("shape must be a tuple of non-negative integers")
    return header


def has_object(descr: Any) -> bool:
    if isinstance(descr, str):
        return descr.lstrip("<>|=").startswith("O")
    if isinstance(descr, list):
        return any(isinstance(f, tuple) and len(f) >= 2 and has_object(f[1]) for f in descr)
    return True  # anything else cannot be a plain dtype: assume numpy would need pickle


def check(r: Reader, member: str | None) -> tuple[list[Finding], bool]:
    """Findings for the header, and whether a pickle follows it."""
    try:
        header = read_header(r)
    except (ValueError, SyntaxError, MemoryError, RecursionError, UnicodeDecodeError, Truncated) as exc:
        return [Finding("numpy-malformed", Verdict.SUSPICIOUS, f"malformed .npy header: {exc}", member, 0)], False
    if has_object(header["descr"]):
        return [Finding("numpy-object-array", Verdict.SAFE,
                        "object array: its elements are a pickle (analysed below)", member, r.offset)], True
    return [], False
