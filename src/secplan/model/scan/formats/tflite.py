"""TensorFlow Lite models: the flatbuffer's operator codes, read by hand (no TensorFlow, no schema code).

A TFLite model is data, except for its operators: builtin ones run the interpreter's own kernels,
a custom one needs a kernel the host application registers (native code outside the model's
control), and a ``Flex`` custom op runs the TensorFlow kernel it names, file and Python-callback
ops included. Field indices are those of TensorFlow Lite's ``schema.fbs``: ``Model.operator_codes``
(1), ``OperatorCode.deprecated_builtin_code`` (0, byte), ``custom_code`` (1), ``builtin_code`` (3).
"""

from __future__ import annotations

import struct

from secplan.model.scan.formats.savedmodel import DANGEROUS_OPS
from secplan.model.scan.result import Finding, Verdict

MAX_SIZE = 2 << 30
CUSTOM = 32
"""``BuiltinOperator.CUSTOM``."""
MAX_OPCODES = 100_000


class FlatError(ValueError):
    """An offset or length of the flatbuffer points outside it."""


class Table:
    """One flatbuffer table: fields by index, every offset checked against the buffer."""

    def __init__(self, buf: bytes, at: int) -> None:
        self.buf, self.at = buf, at
        vtable = at - _i32(buf, at)
        size = _u16(buf, vtable)
        if size < 4 or size % 2:
            raise FlatError(f"vtable at {vtable} has an impossible size {size}")
        _check(buf, vtable, size)
        self.slots = [_u16(buf, vtable + 4 + 2 * i) for i in range((size - 4) // 2)]

    def field(self, index: int) -> int | None:
        off = self.slots[index] if index < len(self.slots) else 0
        return self.at + off if off else None

    def scalar(self, index: int, fmt: str, default: int) -> int:
        at = self.field(index)
        if at is None:
            return default
        _check(self.buf, at, struct.calcsize(fmt))
        return int(struct.unpack_from("<" + fmt, self.buf, at)[0])

    def string(self, index: int) -> str | None:
        at = self.field(index)
        if at is None:
            return None
        start = at + _u32(self.buf, at)
        length = _u32(self.buf, start)
        _check(self.buf, start + 4, length)
        return self.buf[start + 4:start + 4 + length].decode("utf-8", "replace")

    def tables(self, index: int, limit: int) -> list[Table]:
        at = self.field(index)
        if at is None:
            return []
        start = at + _u32(self.buf, at)
        count = _u32(self.buf, start)
        if count > limit:
            raise FlatError(f"a vector of {count} entries (more than {limit})")
        _check(self.buf, start + 4, 4 * count)
        return [Table(self.buf, start + 4 + 4 * i + _u32(self.buf, start + 4 + 4 * i)) for i in range(count)]


def _check(buf: bytes, at: int, n: int) -> None:
    if at < 0 or n < 0 or at + n > len(buf):
        raise FlatError(f"{n} bytes at offset {at} run outside the {len(buf)}-byte file")


def _u16(buf: bytes, at: int) -> int:
    _check(buf, at, 2)
    return int(struct.unpack_from("<H", buf, at)[0])


def _u32(buf: bytes, at: int) -> int:
    _check(buf, at, 4)
    return int(struct.unpack_from("<I", buf, at)[0])


def _i32(buf: bytes, at: int) -> int:
    _check(buf, at, 4)
    return int(struct.unpack_from("<i", buf, at)[0])


def check(buf: bytes, member: str | None) -> list[Finding]:
    """Findings for a TFLite flatbuffer: custom ops (suspicious), Flex ops that reach outside (unsafe)."""
    try:
        model = Table(buf, _u32(buf, 0))
        codes = model.tables(1, MAX_OPCODES)
        customs: list[str] = []
        for code in codes:
            builtin = max(model_code(code.scalar(0, "b", 0)), code.scalar(3, "i", 0))
            if builtin == CUSTOM:
                customs.append(code.string(1) or "")
    except FlatError as exc:
        return [Finding("tflite-malformed", Verdict.SUSPICIOUS, f"the flatbuffer is inconsistent ({exc}): "
                        "the interpreter would read memory the model does not describe", member)]
    findings = []
    for name in sorted(set(customs)):
        flex = name[4:] if name.startswith("Flex") else None
        if flex is not None and flex in DANGEROUS_OPS:
            findings.append(Finding("tflite-dangerous-op", Verdict.UNSAFE, f"Flex op {name} runs TensorFlow's "
                                    f"{flex}, which {DANGEROUS_OPS[flex]}", member, None, name))
        elif flex is None:
            findings.append(Finding("tflite-custom-op", Verdict.SUSPICIOUS, f"custom op {name!r} needs a kernel "
                                    "the host application registers (native code the model does not carry)",
                                    member, None, name or "<unnamed>"))
    return findings


def model_code(deprecated: int) -> int:
    """``deprecated_builtin_code`` is a signed byte; 127 says "see builtin_code"."""
    return deprecated if deprecated != 127 else 0
