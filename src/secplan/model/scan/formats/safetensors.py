"""safetensors: no code, but a header that parsers trust. Check it the way a careful loader would:
length in bounds, valid JSON without duplicate keys, known dtypes, offsets in bounds, contiguous and
non-overlapping, sizes that match shapes, string metadata, nothing after the last tensor."""

from __future__ import annotations

import json
import struct
from typing import Any, BinaryIO

from secplan.model.scan.result import Finding, Verdict

MAX_HEADER = 100_000_000
DTYPE_SIZES = {"BOOL": 1, "U8": 1, "I8": 1, "F8_E5M2": 1, "F8_E4M3": 1, "F8_E8M0": 1, "F4": 1, "F6_E2M3": 1,
               "F6_E3M2": 1, "U16": 2, "I16": 2, "F16": 2, "BF16": 2, "U32": 4, "I32": 4, "F32": 4,
               "U64": 8, "I64": 8, "F64": 8, "C64": 8}


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    keys = [k for k, _ in pairs]
    if len(keys) != len(set(keys)):
        raise ValueError("duplicate keys in the header (parsers disagree on which one wins)")
    return dict(pairs)


def scan(handle: BinaryIO, size: int, member: str | None) -> list[Finding]:
    def bad(message: str) -> list[Finding]:
        return [Finding("safetensors-malformed", Verdict.SUSPICIOUS, message, member, 0)]

    head = handle.read(8)
    if len(head) < 8:
        return bad("shorter than the 8-byte header length")
    (length,) = struct.unpack("<Q", head)
    if length > MAX_HEADER or length > size - 8:
        return bad(f"header length {length} exceeds the file or the {MAX_HEADER}-byte cap")
    raw = handle.read(length)
    try:
        header = json.loads(raw.decode("utf-8"), object_pairs_hook=_no_duplicates)
    except (UnicodeDecodeError, ValueError) as exc:
        return bad(f"header is not valid JSON: {exc}")
    if not isinstance(header, dict):
        return bad("header is not a JSON object")
    data_size = size - 8 - length
    findings: list[Finding] = []
    spans: list[tuple[int, int, str]] = []
    for name, info in header.items():
        if name == "__metadata__":
            if not isinstance(info, dict) or not all(isinstance(k, str) and isinstance(v, str)
                                                      for k, v in info.items()):
                findings += bad("__metadata__ must map strings to strings")
            continue
        if not isinstance(info, dict) or set(info) - {"dtype", "shape", "data_offsets"}:
            findings += bad(f"tensor {name!r}: entry must have exactly dtype, shape and data_offsets")
            continue
        dtype, shape, offsets = info.get("dtype"), info.get("shape"), info.get("data_offsets")
        if dtype not in DTYPE_SIZES:
            findings += bad(f"tensor {name!r}: unknown dtype {dtype!r}")
            continue
        if not isinstance(shape, list) or not all(isinstance(d, int) and not isinstance(d, bool) and d >= 0
                                                  for d in shape):
            findings += bad(f"tensor {name!r}: shape must be a list of non-negative integers")
            continue
        if (not isinstance(offsets, list) or len(offsets) != 2
                or not all(isinstance(o, int) and not isinstance(o, bool) for o in offsets)):
            findings += bad(f"tensor {name!r}: data_offsets must be two integers")
            continue
        begin, end = offsets
        if not 0 <= begin <= end <= data_size:
            findings += bad(f"tensor {name!r}: offsets [{begin}, {end}] outside the {data_size}-byte data")
            continue
        count = 1
        for dim in shape:
            count *= dim
        if dtype in {"F4", "F6_E2M3", "F6_E3M2"}:
            expected_bits = count * (4 if dtype == "F4" else 6)
            expected = (expected_bits + 7) // 8
        else:
            expected = count * DTYPE_SIZES[dtype]
        if end - begin != expected:
            findings += bad(f"tensor {name!r}: {end - begin} bytes for a shape that needs {expected}")
            continue
        spans.append((begin, end, name))
    spans.sort()
    cursor = 0
    for begin, end, name in spans:
        if begin < cursor:
            findings += bad(f"tensor {name!r} overlaps the previous tensor")
        elif begin > cursor:
            findings += bad(f"a gap of {begin - cursor} unused bytes before tensor {name!r}")
        cursor = max(cursor, end)
    if not findings and cursor != data_size:
        findings += bad(f"{data_size - cursor} trailing bytes after the last tensor")
    return findings
