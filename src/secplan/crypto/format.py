"""The encrypted file format, version 1: fixed-size header, two fixed-size key slots, AEAD chunks.

Byte layout (documented in docs/encryption.md)::

    header   80 bytes   magic, version, algorithm, chunk size, slot geometry, file id, nonce prefix,
                        key commitment; SHA-256(header) is the associated data of every chunk
    slots    2 x 512    key slots: KEK id + wrapped data key + checksum; re-written in place on rotation
    chunks   ...        AES-256-GCM(chunk_size plaintext bytes) + 16-byte tag each, last one shorter

The key slots are outside the header digest on purpose: rotation rewrites them without touching the
data. They are protected by the wrap itself (its associated data binds file id and KEK id) and by the
key commitment in the header, which only the right data key reproduces.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import struct
from dataclasses import dataclass

from secplan.errors import IntegrityError
from secplan.filetypes import ENCRYPTED_MAGIC

VERSION = 1
ALG_AES_256_GCM = 1
ALGORITHMS = {ALG_AES_256_GCM: "AES-256-GCM"}
DEFAULT_CHUNK_SIZE = 1 << 20
MIN_CHUNK_SIZE = 1 << 10
MAX_CHUNK_SIZE = 1 << 26
TAG_SIZE = 16
NONCE_PREFIX_SIZE = 7
FILE_ID_SIZE = 16
MAX_CHUNKS = 1 << 32

HEADER_SIZE = 80
SLOT_SIZE = 512
SLOT_COUNT = 2
SLOTS_OFFSET = HEADER_SIZE
DATA_OFFSET = HEADER_SIZE + SLOT_SIZE * SLOT_COUNT

MAX_KEK_ID = 128
MAX_WRAPPED = 344
_SLOT_BODY = 480  # state(1) generation(4) id_len(1) id(128) wrapped_len(2) wrapped(344)

_HEADER_FIXED = struct.Struct(">12sBBHIHBB16s7sB")  # 48 bytes, followed by the 32-byte commitment
_COMMIT_LABEL = b"secplan/v1/key-commitment"

assert _HEADER_FIXED.size == 48 and len(ENCRYPTED_MAGIC) == 12


@dataclass(frozen=True)
class Header:
    """The immutable part of an encrypted file."""

    chunk_size: int
    file_id: bytes
    nonce_prefix: bytes
    commitment: bytes = b""
    version: int = VERSION
    algorithm: int = ALG_AES_256_GCM

    def fixed_bytes(self) -> bytes:
        return _HEADER_FIXED.pack(ENCRYPTED_MAGIC, self.version, self.algorithm, 0, self.chunk_size,
                                  SLOT_SIZE, SLOT_COUNT, 0, self.file_id, self.nonce_prefix, 0)

    def with_commitment(self, data_key: bytes) -> Header:
        """The header committed to ``data_key``: proves on decryption that the key is this file's."""
        return Header(self.chunk_size, self.file_id, self.nonce_prefix, commitment(data_key, self.fixed_bytes()),
                      self.version, self.algorithm)

    def to_bytes(self) -> bytes:
        if len(self.commitment) != 32:
            raise ValueError("header has no key commitment")
        return self.fixed_bytes() + self.commitment

    @property
    def digest(self) -> bytes:
        """SHA-256 of the whole header: the associated data of every chunk."""
        return hashlib.sha256(self.to_bytes()).digest()

    @property
    def file_id_hex(self) -> str:
        return self.file_id.hex()

    def nonce(self, counter: int, last: bool) -> bytes:
        """prefix (7) || big-endian chunk counter (4) || last-chunk flag (1)."""
        return self.nonce_prefix + counter.to_bytes(4, "big") + (b"\x01" if last else b"\x00")


def commitment(data_key: bytes, fixed: bytes) -> bytes:
    return hmac.new(data_key, _COMMIT_LABEL + fixed, hashlib.sha256).digest()


def parse_header(raw: bytes, source: str) -> Header:
    """Parse and validate the 80-byte header; errors name ``source`` and the field at fault."""
    if len(raw) < HEADER_SIZE:
        if not raw.startswith(ENCRYPTED_MAGIC[: len(raw)]) or len(raw) < len(ENCRYPTED_MAGIC):
            raise IntegrityError(f"{source}: not a secplan encrypted file (missing magic) or truncated header")
        raise IntegrityError(f"{source}: truncated header ({len(raw)} of {HEADER_SIZE} bytes)")
    (magic, version, algorithm, flags, chunk_size, slot_size, slot_count, reserved,
     file_id, prefix, reserved2) = _HEADER_FIXED.unpack_from(raw)
    if magic != ENCRYPTED_MAGIC:
        raise IntegrityError(f"{source}: not a secplan encrypted file (bad magic)")
    if version != VERSION:
        raise IntegrityError(f"{source}: unsupported format version {version} (this secplan reads {VERSION})")
    if algorithm not in ALGORITHMS:
        raise IntegrityError(f"{source}: header names unknown algorithm {algorithm}: header tampered or newer format")
    if flags or reserved or reserved2:
        raise IntegrityError(f"{source}: header reserved fields are not zero: header tampered")
    if not MIN_CHUNK_SIZE <= chunk_size <= MAX_CHUNK_SIZE:
        raise IntegrityError(f"{source}: header chunk size {chunk_size} is out of range: header tampered")
    if slot_size != SLOT_SIZE or slot_count != SLOT_COUNT:
        raise IntegrityError(f"{source}: header key-slot geometry {slot_count}x{slot_size} is invalid: header tampered")
    return Header(chunk_size, file_id, prefix, raw[48:HEADER_SIZE], version, algorithm)


@dataclass(frozen=True)
class KeySlot:
    """Which KEK wrapped this file's data key, and the wrapped key. ``generation`` grows on each rotation."""

    kek_id: str
    wrapped: bytes
    generation: int = 1

    def to_bytes(self) -> bytes:
        kid = self.kek_id.encode("utf-8")
        if not kid or len(kid) > MAX_KEK_ID:
            raise ValueError(f"key id must be 1..{MAX_KEK_ID} bytes")
        if not self.wrapped or len(self.wrapped) > MAX_WRAPPED:
            raise ValueError(f"wrapped data key must be 1..{MAX_WRAPPED} bytes, got {len(self.wrapped)}")
        body = (struct.pack(">BIB", 1, self.generation, len(kid)) + kid.ljust(MAX_KEK_ID, b"\0")
                + struct.pack(">H", len(self.wrapped)) + self.wrapped.ljust(MAX_WRAPPED, b"\0"))
        assert len(body) == _SLOT_BODY
        return body + hashlib.sha256(body).digest()


EMPTY_SLOT = bytes(SLOT_SIZE)


class SlotError(ValueError):
    """A key slot's bytes do not hold a valid slot (torn write or tampering)."""


def parse_slot(raw: bytes) -> KeySlot | None:
    """A slot, ``None`` for an empty one; :class:`SlotError` when its checksum or fields are wrong."""
    if raw == EMPTY_SLOT:
        return None
    body, checksum = raw[:_SLOT_BODY], raw[_SLOT_BODY:SLOT_SIZE]
    if len(raw) != SLOT_SIZE or not hmac.compare_digest(hashlib.sha256(body).digest(), checksum):
        raise SlotError("checksum mismatch")
    state, generation, id_len = struct.unpack_from(">BIB", body)
    (wrapped_len,) = struct.unpack_from(">H", body, 6 + MAX_KEK_ID)
    if state != 1 or not 0 < id_len <= MAX_KEK_ID or not 0 < wrapped_len <= MAX_WRAPPED:
        raise SlotError("invalid fields")
    try:
        kek_id = body[6 : 6 + id_len].decode("utf-8")
    except UnicodeDecodeError:
        raise SlotError("key id is not UTF-8") from None
    start = 8 + MAX_KEK_ID
    return KeySlot(kek_id, bytes(body[start : start + wrapped_len]), generation)


def slot_offset(index: int) -> int:
    return SLOTS_OFFSET + index * SLOT_SIZE


def context_aad(context: dict[str, str]) -> bytes:
    """A wrap context as associated data: compact JSON with sorted keys (one encoding for every provider)."""
    return json.dumps(context, sort_keys=True, separators=(",", ":")).encode("utf-8")


def wrap_context(file_id: bytes, kek_id: str) -> dict[str, str]:
    """What a wrapped data key is bound to (AEAD associated data, KMS encryption context)."""
    return {"secplan:file-id": file_id.hex(), "secplan:kek": kek_id}
