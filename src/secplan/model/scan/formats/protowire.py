"""Protocol Buffers wire format, read by hand: enough to walk TensorFlow's SavedModel messages
without TensorFlow and without generated classes.

A message is a sequence of (field number, wire type, value). Only the wire format's own rules are
applied (https://protobuf.dev/programming-guides/encoding/); which field holds which message is the
caller's knowledge. Every length is checked against the bytes that are there, so a corrupt file is
:class:`WireError`, never a read past the end.
"""

from __future__ import annotations

from collections.abc import Iterator

VARINT, I64, LEN, SGROUP, EGROUP, I32 = 0, 1, 2, 3, 4, 5


class WireError(ValueError):
    """The bytes are not a well-formed protobuf message."""


def varint(buf: memoryview, at: int) -> tuple[int, int]:
    """The varint at ``at`` and the offset after it."""
    value = shift = 0
    while True:
        if at >= len(buf):
            raise WireError("a varint runs past the end of the message")
        byte = buf[at]
        at += 1
        value |= (byte & 0x7F) << shift
        if not byte & 0x80:
            return value, at
        shift += 7
        if shift > 63:
            raise WireError("a varint longer than 10 bytes")


def fields(buf: memoryview) -> Iterator[tuple[int, int, int | memoryview]]:
    """Every field of the message in ``buf``: (number, wire type, value); a LEN value is a view."""
    at, end = 0, len(buf)
    while at < end:
        key, at = varint(buf, at)
        number, wire = key >> 3, key & 7
        if number == 0:
            raise WireError("field number 0")
        if wire == VARINT:
            value, at = varint(buf, at)
            yield number, wire, value
        elif wire == LEN:
            size, at = varint(buf, at)
            if at + size > end:
                raise WireError(f"field {number} claims {size} bytes, {end - at} are left")
            yield number, wire, buf[at:at + size]
            at += size
        elif wire in (I64, I32):
            width = 8 if wire == I64 else 4
            if at + width > end:
                raise WireError(f"field {number} is cut short")
            yield number, wire, int.from_bytes(buf[at:at + width], "little")
            at += width
        else:
            raise WireError(f"wire type {wire} (groups are not used by these messages)")


def submessages(buf: memoryview, number: int) -> Iterator[memoryview]:
    """Every LEN value of field ``number`` (a repeated or single embedded message)."""
    for n, wire, value in fields(buf):
        if n == number and wire == LEN:
            yield value  # type: ignore[misc]


def text(value: memoryview) -> str:
    return bytes(value).decode("utf-8", "replace")


def strings(buf: memoryview, number: int) -> list[str]:
    return [text(v) for v in submessages(buf, number)]


def map_entries(buf: memoryview, number: int) -> Iterator[tuple[str, memoryview]]:
    """A ``map<string, Message>`` field: each entry is a message with key = 1 and value = 2."""
    for entry in submessages(buf, number):
        key, value = "", memoryview(b"")
        for n, wire, v in fields(entry):
            if n == 1 and wire == LEN:
                key = text(v)  # type: ignore[arg-type]
            elif n == 2 and wire == LEN:
                value = v  # type: ignore[assignment]
        yield key, value
