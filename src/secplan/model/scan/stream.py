"""A forward-only byte reader over any file object that skips large payloads without reading them.

The pickle machine reads opcodes through it; seekable sources skip by seeking (a 1 GiB tensor costs
nothing), others by reading and discarding in bounded chunks. ``limit`` caps how many bytes may be
consumed in all, so a decompression bomb ends in :class:`ScanLimit` instead of filling memory.
"""

from __future__ import annotations

import io
from typing import BinaryIO

CHUNK = 1 << 20


class ScanLimit(Exception):
    """A configured bound (bytes, opcodes, depth) was reached; the file cannot be judged safe."""


class Truncated(Exception):
    """The data ended before the structure did."""


def is_seekable(handle: BinaryIO) -> bool:
    try:
        return bool(handle.seekable())
    except (AttributeError, ValueError, OSError):
        return False


class Reader:
    def __init__(self, handle: BinaryIO, *, limit: int | None = None, start: int = 0) -> None:
        self.handle = handle
        self.buf = b""
        self.pos = 0
        self.base = start
        """Absolute offset of ``buf[0]`` in the stream."""
        self.limit = limit
        self.seekable = is_seekable(handle)
        self.origin: int | None = None
        """Where offset 0 is in the handle, when it can seek back there (nested payloads are re-read)."""
        if self.seekable:
            try:
                self.origin = handle.tell() - start
            except (OSError, ValueError):
                self.seekable = False

    @property
    def offset(self) -> int:
        return self.base + self.pos

    def _check(self, upto: int) -> None:
        if self.limit is not None and upto > self.limit:
            raise ScanLimit(f"more than {self.limit} bytes would have to be read")

    def fill(self, n: int) -> bool:
        """Make at least ``n`` bytes available at ``pos``; False at end of data."""
        have = len(self.buf) - self.pos
        if have >= n:
            return True
        self.base += self.pos
        self.buf = self.buf[self.pos:]
        self.pos = 0
        want = max(n - have, CHUNK)
        self._check(self.base + len(self.buf) + min(want, n - have))
        try:
            more = self.handle.read(want)
        except (OSError, EOFError, ValueError) as exc:
            raise Truncated(f"read failed: {exc}") from None
        if more:
            self.buf += more
        return len(self.buf) >= n

    def read(self, n: int) -> bytes:
        if not self.fill(n):
            raise Truncated(f"needed {n} bytes at offset {self.offset}, the data ends first")
        data = self.buf[self.pos:self.pos + n]
        self.pos += n
        return data

    def readline(self, max_len: int = 16 << 20) -> bytes:
        """Bytes up to and including the next newline (the text opcodes' argument). A line longer
        than ``max_len`` is a budget (:class:`ScanLimit`), not a broken file: unpicklers read on."""
        while True:
            end = self.buf.find(b"\n", self.pos, self.pos + max_len)
            if end >= 0:
                line = self.buf[self.pos:end + 1]
                self.pos = end + 1
                return line
            if len(self.buf) - self.pos >= max_len:
                raise ScanLimit(f"a text argument longer than {max_len} bytes at offset {self.offset}")
            if not self.fill(len(self.buf) - self.pos + 1):
                raise Truncated(f"text argument without end of line at offset {self.offset}")

    def skip(self, n: int) -> None:
        """Move ``n`` bytes forward without keeping them; raise :class:`Truncated` past the end."""
        have = len(self.buf) - self.pos
        if n <= have:
            self.pos += n
            return
        target = self.offset + n
        self._check(target)
        rest = n - have
        self.base += len(self.buf)
        self.buf, self.pos = b"", 0
        if self.seekable:
            try:
                here = self.handle.tell()
                end = self.handle.seek(0, io.SEEK_END)
                if here + rest > end:
                    raise Truncated(f"a {n}-byte payload runs past the end of the data")
                self.handle.seek(here + rest)
                self.base += rest
                return
            except (OSError, ValueError):
                pass
        while rest:
            chunk = self.handle.read(min(rest, CHUNK))
            if not chunk:
                raise Truncated(f"a {n}-byte payload runs past the end of the data")
            rest -= len(chunk)
            self.base += len(chunk)

    def at_end(self) -> bool:
        return not self.fill(1)

    def peek(self, n: int) -> bytes:
        self.fill(n)
        return self.buf[self.pos:self.pos + n]


class DecompressionLimit(ScanLimit):
    """A compressed stream inflated past the size or ratio bound: a decompression bomb."""


class Counting(io.RawIOBase):
    """Counts the bytes read from ``handle`` (the compressed side of a bomb check)."""

    def __init__(self, handle: BinaryIO) -> None:
        self.handle, self.count = handle, 0

    def readable(self) -> bool:
        return True

    def read(self, n: int = -1) -> bytes:
        data = self.handle.read(n)
        self.count += len(data)
        return data

    def readinto(self, b: bytearray) -> int:  # type: ignore[override]
        data = self.read(len(b))
        b[:len(data)] = data
        return len(data)


class Bounded(io.RawIOBase):
    """Reads a decompressing stream and stops it at ``limit`` bytes or at ``ratio`` times the input."""

    RATIO_FLOOR = 64 << 20

    def __init__(self, inner: BinaryIO, raw: Counting, limit: int, ratio: int) -> None:
        self.inner, self.raw, self.limit, self.ratio, self.out = inner, raw, limit, ratio, 0

    def readable(self) -> bool:
        return True

    def read(self, n: int = -1) -> bytes:
        data = self.inner.read(CHUNK if n is None or n < 0 else n)
        self.out += len(data)
        if self.out > self.limit:
            raise DecompressionLimit(f"decompresses to more than {self.limit} bytes")
        if self.out > self.RATIO_FLOOR and self.out > self.ratio * max(1, self.raw.count):
            raise DecompressionLimit(f"decompresses more than {self.ratio} times its size")
        return data

    def readinto(self, b: bytearray) -> int:  # type: ignore[override]
        data = self.read(len(b))
        b[:len(data)] = data
        return len(data)


class Prefixed(io.RawIOBase):
    """Replays ``head`` (already read to detect the format) before the rest of ``handle``."""

    def __init__(self, head: bytes, handle: BinaryIO) -> None:
        self.head, self.handle = head, handle

    def readable(self) -> bool:
        return True

    def read(self, n: int = -1) -> bytes:
        if self.head:
            if n is None or n < 0:
                data, self.head = self.head + self.handle.read(), b""
                return data
            data, self.head = self.head[:n], self.head[n:]
            return data
        return self.handle.read(n)

    def readinto(self, b: bytearray) -> int:  # type: ignore[override]
        data = self.read(len(b))
        b[:len(data)] = data
        return len(data)


class ZlibStream(io.RawIOBase):
    """A raw zlib stream (joblib's default compressor) as a forward-only file."""

    def __init__(self, raw: BinaryIO) -> None:
        import zlib

        self.raw, self.z, self.pending = raw, zlib.decompressobj(), b""

    def readable(self) -> bool:
        return True

    def read(self, n: int = -1) -> bytes:
        n = CHUNK if n is None or n < 0 else n
        while len(self.pending) < n and not self.z.eof:
            chunk = self.z.unconsumed_tail or self.raw.read(1 << 16)
            if not chunk:
                break
            self.pending += self.z.decompress(chunk, n)
        data, self.pending = self.pending[:n], self.pending[n:]
        return data

    def readinto(self, b: bytearray) -> int:  # type: ignore[override]
        data = self.read(len(b))
        b[:len(data)] = data
        return len(data)
