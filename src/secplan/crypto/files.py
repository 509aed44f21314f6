"""Encrypt, decrypt and re-wrap files in secplan's format (see :mod:`secplan.crypto.format`).

Outputs appear atomically (:mod:`secplan.crypto.tempout`): a decrypted file only once every chunk has
authenticated, an encrypted file only once it is complete and synced.
"""

from __future__ import annotations

import hmac
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from secplan.crypto.format import (
    DATA_OFFSET,
    DEFAULT_CHUNK_SIZE,
    EMPTY_SLOT,
    FILE_ID_SIZE,
    HEADER_SIZE,
    MAX_CHUNK_SIZE,
    MIN_CHUNK_SIZE,
    NONCE_PREFIX_SIZE,
    SLOT_COUNT,
    SLOT_SIZE,
    Header,
    KeySlot,
    SlotError,
    commitment,
    parse_header,
    parse_slot,
    slot_offset,
    wrap_context,
)
from secplan.crypto.keys.interface import KeyVersion
from secplan.crypto.keys.manager import KeyManager
from secplan.crypto.stream import decrypt_stream, encrypt_stream, fill
from secplan.crypto.tempout import atomic_output
from secplan.errors import InputError, IntegrityError


@dataclass(frozen=True)
class FileInfo:
    """What the header and key slots of an encrypted file say (no secrets)."""

    path: Path
    header: Header
    slots: tuple[KeySlot | None, ...]
    """Per slot position: the slot, ``None`` when empty or unreadable."""

    @property
    def current(self) -> KeySlot | None:
        """The newest valid slot: the one decryption tries first."""
        valid = [s for s in self.slots if s is not None]
        return max(valid, key=lambda s: s.generation) if valid else None


def read_info(path: Path) -> FileInfo:
    """Parse header and slots; raises when the file is not in secplan's format or no slot is valid."""
    try:
        with open(path, "rb") as handle:
            raw = handle.read(DATA_OFFSET)
    except OSError as exc:
        raise InputError(f"{path}: cannot read: {exc.strerror}") from None
    return parse_info(raw, path)


def parse_info(raw: bytes, path: Path) -> FileInfo:
    """:func:`read_info` over the first ``DATA_OFFSET`` bytes already read."""
    header = parse_header(raw[:HEADER_SIZE], str(path))
    if len(raw) < DATA_OFFSET:
        raise IntegrityError(f"{path}: truncated inside the key slots ({len(raw)} of {DATA_OFFSET} bytes)")
    slots: list[KeySlot | None] = []
    for i in range(SLOT_COUNT):
        try:
            slots.append(parse_slot(raw[slot_offset(i) : slot_offset(i) + SLOT_SIZE]))
        except SlotError:
            slots.append(None)
    info = FileInfo(path, header, tuple(slots))
    if info.current is None:
        raise IntegrityError(f"{path}: no valid key slot (key slot region tampered or damaged)")
    return info


def _open_data_key(info: FileInfo, keys: KeyManager) -> bytes:
    """Unwrap the data key from the newest slot that opens and check it against the header commitment."""
    candidates = sorted((s for s in info.slots if s is not None), key=lambda s: -s.generation)
    first_error: Exception | None = None
    for slot in candidates:
        try:
            data_key = keys.unwrap(slot.kek_id, slot.wrapped, wrap_context(info.header.file_id, slot.kek_id))
        except (IntegrityError, InputError) as exc:
            first_error = first_error or exc
            continue
        if not hmac.compare_digest(commitment(data_key, info.header.fixed_bytes()), info.header.commitment):
            raise IntegrityError(f"{info.path}: the header does not match the data key (key commitment "
                                 "mismatch): header tampered")
        return data_key
    assert first_error is not None
    if isinstance(first_error, IntegrityError):
        raise IntegrityError(f"{info.path}: {first_error.message}") from None
    raise InputError(f"{info.path}: {first_error.message}", hint=first_error.hint) from None


def encrypt_file(src: Path, dst: Path, keys: KeyManager, key_ref: str, *,
                 chunk_size: int = DEFAULT_CHUNK_SIZE, replace: bool = False,
                 record: Callable[[KeyVersion, str], None] | None = None) -> KeyVersion:
    """Encrypt ``src`` into ``dst`` under a fresh data key wrapped by ``key_ref``; return the KEK used.

    ``record(kek, file_id_hex)`` runs after the last byte is written and before ``dst`` appears: if
    it raises (the audit ledger cannot be written), ``dst`` never appears."""
    if not MIN_CHUNK_SIZE <= chunk_size <= MAX_CHUNK_SIZE:
        raise InputError(f"chunk size must be between {MIN_CHUNK_SIZE} and {MAX_CHUNK_SIZE} bytes")
    header = Header(chunk_size, os.urandom(FILE_ID_SIZE), os.urandom(NONCE_PREFIX_SIZE))
    key, data_key, wrapped = keys.new_data_key(key_ref, lambda kek_id: wrap_context(header.file_id, kek_id))
    header = header.with_commitment(data_key)
    try:
        source = open(src, "rb", buffering=0)  # noqa: SIM115 - closed below
    except OSError as exc:
        raise InputError(f"{src}: cannot read: {exc.strerror}") from None
    mode = os.fstat(source.fileno()).st_mode & 0o777
    try:
        hook = (lambda: record(key, header.file_id_hex)) if record is not None else None
        with source, atomic_output(dst, perms=mode, replace=replace, before_link=hook) as out:
            out.write(header.to_bytes() + KeySlot(key.id, wrapped).to_bytes() + EMPTY_SLOT)
            encrypt_stream(source, out, header, data_key)
    except FileExistsError:
        raise InputError(f"{dst}: already exists (choose another -o, or remove it)") from None
    return key


def decrypt_file(src: Path, dst: Path, keys: KeyManager, *, replace: bool = False,
                 record: Callable[[FileInfo], None] | None = None) -> int:
    """Decrypt ``src`` into ``dst`` (mode 0600); ``dst`` appears only if every chunk authenticated
    and ``record(info)`` (the audit entry, called just before) did not raise.

    ``src`` is read once, front to back, so it may be a pipe.
    """
    try:
        source = open(src, "rb", buffering=0)  # noqa: SIM115 - closed below
    except OSError as exc:
        raise InputError(f"{src}: cannot read: {exc.strerror}") from None
    with source:
        raw = bytearray(DATA_OFFSET)
        info = parse_info(bytes(raw[: fill(source, raw)]), src)
        data_key = _open_data_key(info, keys)
        try:
            hook = (lambda: record(info)) if record is not None else None
            with atomic_output(dst, perms=0o600, replace=replace, before_link=hook) as out:
                return decrypt_stream(source, out, info.header, data_key, str(src))
        except FileExistsError:
            raise InputError(f"{dst}: already exists (choose another -o, or remove it)") from None


def rewrap_file(path: Path, keys: KeyManager, new_key: KeyVersion) -> bool:
    """Re-wrap ``path``'s data key under ``new_key`` in place; False when it already uses it.

    Crash safety without rewriting the file: the new slot goes into the *other* slot position with a
    higher generation and is synced before the old slot is erased (and synced). A crash leaves either
    the old slot valid, or both (the newer wins), or only the new one; a torn slot write fails its
    checksum and is ignored. Time and I/O do not depend on the file's size.
    """
    info = read_info(path)
    current = info.current
    assert current is not None
    if current.kek_id == new_key.id:
        return False
    data_key = _open_data_key(info, keys)
    wrapped = keys.wrap(new_key, data_key, wrap_context(info.header.file_id, new_key.id))
    new_slot = KeySlot(new_key.id, wrapped, current.generation + 1).to_bytes()
    old_index = info.slots.index(current)
    new_index = 1 - old_index
    fd = os.open(path, os.O_RDWR)
    try:
        os.pwrite(fd, new_slot, slot_offset(new_index))
        os.fsync(fd)
        os.pwrite(fd, EMPTY_SLOT, slot_offset(old_index))
        os.fsync(fd)
    finally:
        os.close(fd)
    return True
