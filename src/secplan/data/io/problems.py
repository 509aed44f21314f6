"""Turn what a parser says about bad bytes into a message a person can act on: file, line, column."""

from __future__ import annotations

import codecs
from pathlib import Path

from secplan.errors import InputError

_BOMS = {
    codecs.BOM_UTF16_LE: "UTF-16",
    codecs.BOM_UTF16_BE: "UTF-16",
    codecs.BOM_UTF32_LE: "UTF-32",
    codecs.BOM_UTF32_BE: "UTF-32",
}
_CHUNK = 1 << 20


def bad_input(path: Path, where: str | None, what: str) -> InputError:
    """An :class:`InputError` that names the file and, when known, the position."""
    place = f"{path}: {where}: " if where else f"{path}: "
    return InputError(place + what.strip().rstrip("."))


def check_encoding_head(path: Path, head: bytes) -> None:
    """Refuse UTF-16/32 files up front: a reader would otherwise report garbage columns."""
    for bom, name in _BOMS.items():
        if head.startswith(bom):
            raise bad_input(path, "byte 0", f"file is encoded as {name}; secplan reads UTF-8 "
                            "(convert it, for example with `iconv -f UTF-16 -t UTF-8`)")


def locate_bad_utf8(path: Path) -> str | None:
    """The line and byte offset of the first byte sequence that is not UTF-8, or ``None``.

    Only called after a parser failed, so a slow pure-Python scan is acceptable here.
    """
    decoder = codecs.getincrementaldecoder("utf-8")()
    line = 1
    consumed = 0
    with path.open("rb") as handle:
        while chunk := handle.read(_CHUNK):
            pending = len(decoder.getstate()[0])
            try:
                decoder.decode(chunk)
            except UnicodeDecodeError as exc:
                start = max(0, exc.start - pending)
                line += chunk[:start].count(b"\n")
                return f"line {line} (byte {consumed + start})"
            line += chunk.count(b"\n")
            consumed += len(chunk)
    return None


def spread_offsets(size: int, pieces: int) -> list[int]:
    """``pieces`` byte offsets spread evenly through a file of ``size`` bytes, the first at 0."""
    pieces = max(1, pieces)
    return [size * i // pieces for i in range(pieces)]
