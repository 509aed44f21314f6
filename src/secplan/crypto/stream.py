"""Chunked AES-256-GCM over streams, in constant memory and without per-chunk copies.

Buffers are allocated once and filled with ``readinto``; ``encrypt_into``/``decrypt_into`` write
straight into the output buffer. One chunk of read-ahead tells the last chunk from the others, so the
last-chunk flag in the nonce is right without knowing the input size.
"""

from __future__ import annotations

from typing import BinaryIO

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from secplan.crypto.format import DATA_OFFSET, MAX_CHUNKS, TAG_SIZE, Header
from secplan.errors import IntegrityError, SecplanError


def fill(src: BinaryIO, buf: bytearray | memoryview) -> int:
    """Read until ``buf`` is full or the stream ends (pipes and sockets return short reads)."""
    view = memoryview(buf)
    total = 0
    while total < len(view):
        n = src.readinto(view[total:])
        if not n:
            break
        total += n
    return total


_ZERO_COPY = hasattr(AESGCM, "encrypt_into")  # recent cryptography; older versions copy each chunk once


def _seal_into(aead: AESGCM, nonce: bytes, data: memoryview, aad: bytes, out: memoryview) -> None:
    if _ZERO_COPY:
        aead.encrypt_into(nonce, data, aad, out)
    else:
        out[:] = aead.encrypt(nonce, bytes(data), aad)


def _open_into(aead: AESGCM, nonce: bytes, data: memoryview, aad: bytes, out: memoryview) -> None:
    if _ZERO_COPY:
        aead.decrypt_into(nonce, data, aad, out)
    else:
        out[:] = aead.decrypt(nonce, bytes(data), aad)


def encrypt_stream(src: BinaryIO, dst: BinaryIO, header: Header, data_key: bytes) -> int:
    """Encrypt ``src`` into ``dst`` chunk by chunk; return the plaintext size."""
    size = header.chunk_size
    aead, aad = AESGCM(data_key), header.digest
    cur, nxt, out = bytearray(size), bytearray(size), bytearray(size + TAG_SIZE)
    out_view = memoryview(out)
    n = fill(src, cur)
    counter, total = 0, 0
    while True:
        m = fill(src, nxt) if n == size else 0
        last = m == 0
        if counter >= MAX_CHUNKS:
            raise SecplanError(f"input too large for chunk size {size} ({MAX_CHUNKS} chunks at most)")
        _seal_into(aead, header.nonce(counter, last), memoryview(cur)[:n], aad, out_view[: n + TAG_SIZE])
        dst.write(out_view[: n + TAG_SIZE])
        total += n
        if last:
            return total
        cur, nxt, n = nxt, cur, m
        counter += 1


def decrypt_stream(src: BinaryIO, dst: BinaryIO, header: Header, data_key: bytes, source: str) -> int:
    """Authenticate and decrypt chunks from ``src`` (positioned at the first chunk) into ``dst``.

    A chunk is written only after its tag verifies. Errors say which chunk failed and how: tampered or
    reordered, truncated at a chunk boundary, truncated inside a chunk, or data appended after the end.
    """
    size = header.chunk_size
    csize = size + TAG_SIZE
    aead, aad = AESGCM(data_key), header.digest
    cur, nxt, out = bytearray(csize), bytearray(csize), bytearray(size)
    out_view = memoryview(out)
    n = fill(src, cur)
    counter, total = 0, 0
    while True:
        offset = DATA_OFFSET + counter * csize
        if n < TAG_SIZE:
            if counter == 0 and n == 0:
                raise IntegrityError(f"{source}: truncated: the file ends after its key slots, with no data chunks")
            raise IntegrityError(f"{source}: truncated: chunk {counter} (at byte {offset}) is incomplete "
                                 f"({n} bytes)")
        m = fill(src, nxt) if n == csize else 0
        last = m == 0
        data = memoryview(cur)[:n]
        try:
            _open_into(aead, header.nonce(counter, last), data, aad, out_view[: n - TAG_SIZE])
        except InvalidTag:
            raise IntegrityError(_diagnose(aead, header, aad, data, counter, last, n == csize, offset, source)) from None
        dst.write(out_view[: n - TAG_SIZE])
        total += n - TAG_SIZE
        if last:
            return total
        cur, nxt, n = nxt, cur, m
        counter += 1


def _diagnose(aead: AESGCM, header: Header, aad: bytes, data: memoryview, counter: int, last: bool,
              full: bool, offset: int, source: str) -> str:
    """Say why chunk ``counter`` failed, trying the one alternative flag (only after a failure)."""

    def opens(flag: bool) -> bool:
        try:
            aead.decrypt(header.nonce(counter, flag), bytes(data), aad)
            return True
        except InvalidTag:
            return False

    if last and full and opens(False):
        return (f"{source}: truncated: the file ends after chunk {counter} at a chunk boundary "
                "(later chunks are missing)")
    if not last and opens(True):
        return f"{source}: data appended after the final chunk {counter} (at byte {offset + len(data)})"
    where = "the final chunk" if last else "chunk"
    return (f"{source}: {where} {counter} (at byte {offset}) failed authentication: its bytes or tag were "
            "changed, chunks were reordered, or the file was truncated or extended inside a chunk")
