"""GGUF: parse the header (versions 1-3) with every length checked against the file, skip numeric
arrays by seeking, and hand chat templates to the Jinja2 checker."""

from __future__ import annotations

import struct

from secplan.model.scan.result import Finding, Verdict
from secplan.model.scan.stream import Reader, Truncated

_SCALAR = {0: 1, 1: 1, 2: 2, 3: 2, 4: 4, 5: 4, 6: 4, 7: 1, 10: 8, 11: 8, 12: 8}
STRING, ARRAY = 8, 9
MAX_KV = 1_000_000
MAX_TENSORS = 10_000_000
MAX_STRING = 64 << 20
MAX_DIMS = 8


class GGUFError(ValueError):
    pass


def scan(r: Reader, size: int, member: str | None) -> list[Finding]:
    findings: list[Finding] = []
    try:
        _parse(r, size, member, findings)
    except (GGUFError, Truncated, struct.error) as exc:
        findings.append(Finding("gguf-malformed", Verdict.SUSPICIOUS, f"malformed GGUF header: {exc}", member,
                                r.offset))
    return findings


def _parse(r: Reader, size: int, member: str | None, findings: list[Finding]) -> None:
    r.read(4)
    (version,) = struct.unpack("<I", r.read(4))
    if version not in (1, 2, 3):
        raise GGUFError(f"unknown GGUF version {version}")
    count_fmt = "<I" if version == 1 else "<Q"
    count_len = struct.calcsize(count_fmt)

    def count() -> int:
        return struct.unpack(count_fmt, r.read(count_len))[0]

    def string() -> bytes:
        n = count()
        if n > MAX_STRING or r.offset + n > size:
            raise GGUFError(f"string of {n} bytes at offset {r.offset} runs past the file")
        return r.read(n)

    def skip_value(kind: int, key: str) -> None:
        if kind in _SCALAR:
            r.skip(_SCALAR[kind])
        elif kind == STRING:
            text = string()
            if "chat_template" in key:
                _template(text, key, member, findings, r.offset)
        elif kind == ARRAY:
            (item,) = struct.unpack("<I", r.read(4))
            n = count()
            if item in _SCALAR:
                if r.offset + n * _SCALAR[item] > size:
                    raise GGUFError(f"array {key!r} of {n} items runs past the file")
                r.skip(n * _SCALAR[item])
            elif item == STRING:
                if n * count_len > size - r.offset:
                    raise GGUFError(f"array {key!r} of {n} strings runs past the file")
                for _ in range(n):
                    string()
            else:
                raise GGUFError(f"array {key!r} has element type {item}, which GGUF does not define")
        else:
            raise GGUFError(f"value {key!r} has type {kind}, which GGUF does not define")

    tensors, kvs = count(), count()
    if kvs > MAX_KV or tensors > MAX_TENSORS:
        raise GGUFError(f"{kvs} metadata entries / {tensors} tensors exceed the parser's bounds")
    for _ in range(kvs):
        key = string().decode("utf-8", "replace")
        (kind,) = struct.unpack("<I", r.read(4))
        skip_value(kind, key)
    for _ in range(tensors):
        string()
        (dims,) = struct.unpack("<I", r.read(4))
        if dims > MAX_DIMS:
            raise GGUFError(f"a tensor with {dims} dimensions (GGUF allows {MAX_DIMS})")
        r.skip(dims * 8 + 4)
        (offset,) = struct.unpack("<Q", r.read(8))
        if offset > size:
            raise GGUFError(f"tensor data offset {offset} is past the end of the file")


def _template(raw: bytes, key: str, member: str | None, findings: list[Finding], offset: int) -> None:
    from secplan.model.scan.formats.jinja_template import check_template

    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        findings.append(Finding("gguf-template-injection", Verdict.SUSPICIOUS,
                                f"{key} is not valid UTF-8", member, offset, key))
        return
    for verdict, reason in check_template(text):
        findings.append(Finding("gguf-template-injection", Verdict(verdict), f"{key}: {reason}", member,
                                offset, key))
