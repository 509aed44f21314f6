"""Read a zip the way PyTorch's loader (miniz) does: from the central directory, tolerant of flag
bits, CRC and local/central header mismatches, and report each of those tricks.

``zipfile`` refuses such archives, which is why scanners built on it miss payloads that
``torch.load`` happily runs. Members are opened as bounded windows over the file (stored) or
bounded inflate streams (deflate); nothing is extracted to disk.
"""

from __future__ import annotations

import io
import struct
import zlib
from dataclasses import dataclass
from typing import BinaryIO

from secplan.model.scan.stream import ScanLimit

_EOCD = b"PK\x05\x06"
_EOCD64_LOC = b"PK\x06\x07"
_EOCD64 = b"PK\x06\x06"
_CENTRAL = b"PK\x01\x02"
_LOCAL = b"PK\x03\x04"
MAX_MEMBERS = 100_000


class ZipFormatError(Exception):
    """The archive's directory cannot be read at all."""


@dataclass
class ZipMember:
    name: str
    local_name: str | None
    flags: int
    method: int
    crc: int
    compressed_size: int
    size: int
    header_offset: int
    data_offset: int = -1


def _u16(b: bytes, o: int) -> int:
    return struct.unpack_from("<H", b, o)[0]


def _u32(b: bytes, o: int) -> int:
    return struct.unpack_from("<I", b, o)[0]


def read_directory(handle: BinaryIO) -> list[ZipMember]:
    """Members listed in the central directory, each with its local header resolved."""
    end = handle.seek(0, io.SEEK_END)
    tail_len = min(end, 65_557)
    handle.seek(end - tail_len)
    tail = handle.read(tail_len)
    pos = tail.rfind(_EOCD)
    if pos < 0 or len(tail) - pos < 22:
        raise ZipFormatError("no end-of-central-directory record")
    eocd_at = end - tail_len + pos
    count = _u16(tail, pos + 10)
    cd_size = _u32(tail, pos + 12)
    cd_offset = _u32(tail, pos + 16)
    if pos >= 20 and tail[pos - 20:pos - 16] == _EOCD64_LOC:
        (rec_at,) = struct.unpack_from("<Q", tail, pos - 12)
        handle.seek(rec_at)
        rec = handle.read(56)
        if len(rec) < 56 or rec[:4] != _EOCD64:
            raise ZipFormatError("broken zip64 end-of-central-directory record")
        count, cd_size, cd_offset = struct.unpack_from("<QQQ", rec, 32)
        eocd_at = rec_at
    if count > MAX_MEMBERS:
        raise ScanLimit(f"the archive lists more than {MAX_MEMBERS} members")
    # Data prepended to the archive shifts every offset; loaders that start from the end compensate.
    shift = max(0, eocd_at - cd_size - cd_offset)
    handle.seek(cd_offset + shift)
    directory = handle.read(cd_size)
    if len(directory) < cd_size:
        raise ZipFormatError("the central directory runs past the end of the file")
    members: list[ZipMember] = []
    at = 0
    for _ in range(count):
        if directory[at:at + 4] != _CENTRAL or len(directory) < at + 46:
            raise ZipFormatError(f"bad central directory entry at offset {cd_offset + shift + at}")
        flags, method = _u16(directory, at + 8), _u16(directory, at + 10)
        crc, csize, usize = _u32(directory, at + 16), _u32(directory, at + 20), _u32(directory, at + 24)
        nlen, elen, clen = _u16(directory, at + 28), _u16(directory, at + 30), _u16(directory, at + 32)
        offset = _u32(directory, at + 42)
        name = directory[at + 46:at + 46 + nlen].decode("utf-8" if flags & 0x800 else "cp437", "replace")
        extra = directory[at + 46 + nlen:at + 46 + nlen + elen]
        usize, csize, offset = _zip64_extra(extra, usize, csize, offset)
        members.append(ZipMember(name, None, flags, method, crc, csize, usize, offset + shift))
        at += 46 + nlen + elen + clen
    for member in members:
        handle.seek(member.header_offset)
        local = handle.read(30)
        if len(local) < 30 or local[:4] != _LOCAL:
            member.data_offset = -1
            continue
        nlen, elen = _u16(local, 26), _u16(local, 28)
        member.local_name = handle.read(nlen).decode("utf-8" if member.flags & 0x800 else "cp437", "replace")
        member.data_offset = member.header_offset + 30 + nlen + elen
    return members


def _zip64_extra(extra: bytes, usize: int, csize: int, offset: int) -> tuple[int, int, int]:
    at = 0
    while at + 4 <= len(extra):
        tag, size = _u16(extra, at), _u16(extra, at + 2)
        if tag == 0x0001:
            fields = extra[at + 4:at + 4 + size]
            values = [struct.unpack_from("<Q", fields, i)[0] for i in range(0, len(fields) - 7, 8)]
            it = iter(values)
            if usize == 0xFFFFFFFF:
                usize = next(it, usize)
            if csize == 0xFFFFFFFF:
                csize = next(it, csize)
            if offset == 0xFFFFFFFF:
                offset = next(it, offset)
        at += 4 + size
    return usize, csize, offset


class Window(io.RawIOBase):
    """A seekable read-only view of ``length`` bytes of ``handle`` starting at ``start``."""

    def __init__(self, handle: BinaryIO, start: int, length: int) -> None:
        self.handle, self.start, self.length, self.pos = handle, start, length, 0

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self.pos

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        base = {io.SEEK_SET: 0, io.SEEK_CUR: self.pos, io.SEEK_END: self.length}[whence]
        self.pos = max(0, base + offset)
        return self.pos

    def read(self, n: int = -1) -> bytes:
        if n is None or n < 0:
            n = self.length - self.pos
        n = max(0, min(n, self.length - self.pos))
        if not n:
            return b""
        self.handle.seek(self.start + self.pos)
        data = self.handle.read(n)
        self.pos += len(data)
        return data

    def readinto(self, b: bytearray) -> int:  # type: ignore[override]
        data = self.read(len(b))
        b[:len(data)] = data
        return len(data)


class Inflater(io.RawIOBase):
    """A forward-only raw-deflate stream over a window, that stops at ``limit`` output bytes."""

    def __init__(self, source: BinaryIO, limit: int) -> None:
        self.source, self.limit, self.out = source, limit, 0
        self.z = zlib.decompressobj(-15)
        self.pending = b""

    def readable(self) -> bool:
        return True

    def read(self, n: int = -1) -> bytes:
        n = 1 << 20 if n is None or n < 0 else n
        while len(self.pending) < n and not self.z.eof:
            chunk = self.source.read(1 << 16)
            if not chunk:
                self.pending += self.z.flush()
                break
            self.pending += self.z.decompress(chunk, max(n, 1 << 16))
            while self.z.unconsumed_tail and len(self.pending) < n:
                self.pending += self.z.decompress(self.z.unconsumed_tail, max(n, 1 << 16))
        data, self.pending = self.pending[:n], self.pending[n:]
        self.out += len(data)
        if self.out > self.limit:
            raise ScanLimit(f"a zip member inflates past {self.limit} bytes")
        return data

    def readinto(self, b: bytearray) -> int:  # type: ignore[override]
        data = self.read(len(b))
        b[:len(data)] = data
        return len(data)


def open_member(handle: BinaryIO, member: ZipMember, limit: int) -> BinaryIO:
    """A stream of the member's uncompressed bytes; ``ZipFormatError`` for methods we cannot read."""
    window = Window(handle, member.data_offset, member.compressed_size)
    if member.method == 0:
        return window  # type: ignore[return-value]
    if member.method == 8:
        return Inflater(window, limit)  # type: ignore[return-value]
    raise ZipFormatError(f"compression method {member.method} is not supported")


def crc_of(stream: BinaryIO) -> int:
    crc = 0
    for chunk in iter(lambda: stream.read(1 << 20), b""):
        crc = zlib.crc32(chunk, crc)
    return crc
