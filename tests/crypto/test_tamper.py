"""Every region of an encrypted file, changed: always a clear error naming what failed, never output."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest

from secplan.crypto.files import decrypt_file, encrypt_file
from secplan.crypto.format import DATA_OFFSET, HEADER_SIZE, SLOT_SIZE, TAG_SIZE
from secplan.crypto.keys.manager import KeyManager
from secplan.errors import InputError, IntegrityError, SecplanError

CHUNK = 1024
CSIZE = CHUNK + TAG_SIZE
SIZE = 3 * CHUNK + 300  # chunks 0..2 full, chunk 3 short (the final one)
CHUNKS = 4


@pytest.fixture
def sealed(tmp_path: Path, keys: KeyManager) -> tuple[Path, bytes]:
    src = tmp_path / "data.bin"
    src.write_bytes(os.urandom(SIZE))
    enc = tmp_path / "data.bin.enc"
    encrypt_file(src, enc, keys, "k", chunk_size=CHUNK)
    src.unlink()
    return enc, enc.read_bytes()


def _fails(path: Path, raw: bytes, keys: KeyManager, match: str, exc: type[SecplanError] = IntegrityError) -> str:
    path.write_bytes(raw)
    before = sorted(os.listdir(path.parent))
    out = path.parent / "out.bin"
    with pytest.raises(exc, match=match) as info:
        decrypt_file(path, out, keys)
    assert not out.exists()
    assert sorted(os.listdir(path.parent)) == before  # no temporary file left either
    assert str(path) in info.value.message
    return info.value.message


def _flip(raw: bytes, offset: int) -> bytes:
    return raw[:offset] + bytes([raw[offset] ^ 0x01]) + raw[offset + 1 :]


def test_every_header_byte(sealed: tuple[Path, bytes], keys: KeyManager) -> None:
    path, raw = sealed
    for offset in range(HEADER_SIZE):
        message = _fails(path, _flip(raw, offset), keys, ".")
        assert any(w in message for w in ("magic", "version", "algorithm", "reserved", "chunk size",
                                          "geometry", "tampered")), (offset, message)


def test_key_slot_bytes(sealed: tuple[Path, bytes], keys: KeyManager) -> None:
    path, raw = sealed
    for offset in range(HEADER_SIZE, HEADER_SIZE + SLOT_SIZE, 7):
        _fails(path, _flip(raw, offset), keys, "no valid key slot")


def _reslot(raw: bytes, body: bytes) -> bytes:
    slot = body + hashlib.sha256(body).digest()
    return raw[:HEADER_SIZE] + slot + raw[HEADER_SIZE + SLOT_SIZE :]


def test_key_slot_rewritten_with_valid_checksum(sealed: tuple[Path, bytes], keys: KeyManager) -> None:
    """An attacker who recomputes the checksum still cannot get past the wrap or the commitment."""
    path, raw = sealed
    body = bytearray(raw[HEADER_SIZE : HEADER_SIZE + 480])
    body[8 + 128 + 20] ^= 0xFF  # inside the wrapped key
    _fails(path, _reslot(raw, bytes(body)), keys, "cannot unwrap the data key")
    keys.create("other")
    body = bytearray(raw[HEADER_SIZE : HEADER_SIZE + 480])
    body[6:6 + 128] = b"other@v1".ljust(128, b"\0")
    body[5] = len(b"other@v1")
    _fails(path, _reslot(raw, bytes(body)), keys, "key other@v1 cannot unwrap")


def test_every_chunk_body_and_tag(sealed: tuple[Path, bytes], keys: KeyManager) -> None:
    path, raw = sealed
    for n in range(CHUNKS):
        start = DATA_OFFSET + n * CSIZE
        end = min(start + CSIZE, len(raw))
        for offset in (start, start + 100, end - TAG_SIZE - 1, end - TAG_SIZE, end - 1):
            _fails(path, _flip(raw, offset), keys, f"chunk {n} \\(at byte {start}\\) failed authentication")


def test_truncation_at_every_chunk_boundary(sealed: tuple[Path, bytes], keys: KeyManager) -> None:
    path, raw = sealed
    _fails(path, raw[:DATA_OFFSET], keys, "no data chunks")
    for n in range(1, CHUNKS):
        _fails(path, raw[: DATA_OFFSET + n * CSIZE], keys, f"ends after chunk {n - 1} at a chunk boundary")


def test_truncation_elsewhere(sealed: tuple[Path, bytes], keys: KeyManager) -> None:
    path, raw = sealed
    _fails(path, raw[:5], keys, "not a secplan encrypted file")
    _fails(path, raw[:40], keys, "truncated header")
    _fails(path, raw[: HEADER_SIZE + 100], keys, "truncated inside the key slots")
    _fails(path, raw[: DATA_OFFSET + CSIZE + 7], keys, "chunk 1 .* is incomplete")
    _fails(path, raw[:-1], keys, "final chunk 3 .*failed authentication")
    _fails(path, raw[: DATA_OFFSET + CSIZE + 500], keys, "final chunk 1 .*failed authentication")


def test_appended_data(tmp_path: Path, keys: KeyManager) -> None:
    src = tmp_path / "even.bin"
    src.write_bytes(os.urandom(2 * CHUNK))  # final chunk is full: extension is recognised as such
    enc = tmp_path / "even.bin.enc"
    encrypt_file(src, enc, keys, "k", chunk_size=CHUNK)
    raw = enc.read_bytes()
    _fails(enc, raw + b"more", keys, "data appended after the final chunk 1")
    _fails(enc, raw + raw[DATA_OFFSET : DATA_OFFSET + CSIZE], keys, "data appended after the final chunk 1")


def test_appended_after_short_final_chunk(sealed: tuple[Path, bytes], keys: KeyManager) -> None:
    path, raw = sealed
    _fails(path, raw + b"\0" * 10, keys, "final chunk 3 .*failed authentication")


def test_swapped_and_duplicated_chunks(sealed: tuple[Path, bytes], keys: KeyManager) -> None:
    path, raw = sealed
    c = [raw[DATA_OFFSET + i * CSIZE : DATA_OFFSET + (i + 1) * CSIZE] for i in range(CHUNKS)]
    head = raw[:DATA_OFFSET]
    _fails(path, head + c[1] + c[0] + c[2] + c[3], keys, "chunk 0 .*failed authentication")
    _fails(path, head + c[0] + c[2] + c[1] + c[3], keys, "chunk 1 .*failed authentication")
    _fails(path, head + c[0] + c[1] + c[1] + c[3], keys, "chunk 2 .*failed authentication")
    _fails(path, head + c[0] + c[1] + c[3], keys, "final chunk 2 .*failed authentication")


def test_chunks_from_another_file_with_the_same_key(tmp_path: Path, sealed: tuple[Path, bytes],
                                                    keys: KeyManager) -> None:
    path, raw = sealed
    other_src = tmp_path / "other.bin"
    other_src.write_bytes(os.urandom(SIZE))
    encrypt_file(other_src, tmp_path / "other.enc", keys, "k", chunk_size=CHUNK)
    other = (tmp_path / "other.enc").read_bytes()
    _fails(path, raw[:DATA_OFFSET] + other[DATA_OFFSET:], keys, "chunk 0 .*failed authentication")
    _fails(path, other[:DATA_OFFSET] + raw[DATA_OFFSET:], keys, "chunk 0 .*failed authentication")


def test_wrong_key(tmp_path: Path, sealed: tuple[Path, bytes], manager_factory) -> None:
    """A different keystore holding a key of the same name: the wrap does not open."""
    path, raw = sealed
    stranger = manager_factory(tmp_path / "other-keystore.json")
    stranger.create("k")
    message = _fails(path, raw, stranger, "key k@v1 cannot unwrap the data key: wrong key")
    assert "sealed" not in message


def test_wrong_passphrase(sealed: tuple[Path, bytes], keys: KeyManager, monkeypatch: pytest.MonkeyPatch,
                          manager_factory) -> None:
    path, raw = sealed
    monkeypatch.setenv("SECPLAN_PASSPHRASE", "not the passphrase")
    fresh = manager_factory(keys.keystore.path)
    _fails(path, raw, fresh, "wrong passphrase for the keystore", InputError)


def test_destroyed_key(sealed: tuple[Path, bytes], keys: KeyManager) -> None:
    path, raw = sealed
    keys.destroy("k")
    _fails(path, raw, keys, "k@v1 was destroyed", IntegrityError)


def test_tampered_keystore_material(sealed: tuple[Path, bytes], keys: KeyManager, manager_factory) -> None:
    import json

    path, raw = sealed
    doc = json.loads(keys.keystore.path.read_text())
    sealed_b64 = doc["keys"]["k"]["versions"][0]["ref"]["sealed"]
    doc["keys"]["k"]["versions"][0]["ref"]["sealed"] = ("A" if sealed_b64[0] != "A" else "B") + sealed_b64[1:]
    keys.keystore.path.write_text(json.dumps(doc))
    _fails(path, raw, manager_factory(keys.keystore.path), "sealed material of key k@v1 fails authentication")
