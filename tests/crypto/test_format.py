"""Round trips and the layout of the file format."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from secplan.crypto.files import decrypt_file, encrypt_file, read_info
from secplan.crypto.format import DATA_OFFSET, HEADER_SIZE, SLOT_SIZE, TAG_SIZE, KeySlot, parse_slot
from secplan.crypto.keys.manager import KeyManager
from secplan.errors import InputError, IntegrityError
from secplan.filetypes import ENCRYPTED_MAGIC

CHUNK = 1024


@pytest.mark.parametrize("size", [0, 1, CHUNK - 1, CHUNK, CHUNK + 1, 3 * CHUNK, 3 * CHUNK + 17])
def test_round_trip_and_size(tmp_path: Path, keys: KeyManager, size: int) -> None:
    data = os.urandom(size)
    src, enc, out = tmp_path / "a", tmp_path / "a.enc", tmp_path / "a.out"
    src.write_bytes(data)
    encrypt_file(src, enc, keys, "k", chunk_size=CHUNK)
    chunks = max(1, -(-size // CHUNK))
    assert enc.stat().st_size == DATA_OFFSET + size + chunks * TAG_SIZE
    raw = enc.read_bytes()
    assert raw.startswith(ENCRYPTED_MAGIC)
    if size >= 16:
        assert data[:16] not in raw
    assert decrypt_file(enc, out, keys) == size
    assert out.read_bytes() == data
    assert out.stat().st_mode & 0o777 == 0o600
    assert src.read_bytes() == data  # input untouched


def test_header_and_slot_fields(tmp_path: Path, keys: KeyManager) -> None:
    src = tmp_path / "a"
    src.write_bytes(b"x" * 5000)
    encrypt_file(src, tmp_path / "a.enc", keys, "k", chunk_size=2048)
    info = read_info(tmp_path / "a.enc")
    assert info.header.chunk_size == 2048
    assert info.current is not None and info.current.kek_id == "k@v1" and info.current.generation == 1
    assert info.slots[1] is None
    raw = (tmp_path / "a.enc").read_bytes()
    assert raw[HEADER_SIZE + SLOT_SIZE : DATA_OFFSET] == bytes(SLOT_SIZE)
    # two encryptions of the same input differ (fresh file id, nonce prefix and data key)
    encrypt_file(src, tmp_path / "b.enc", keys, "k", chunk_size=2048)
    other = read_info(tmp_path / "b.enc")
    assert other.header.file_id != info.header.file_id
    assert (tmp_path / "b.enc").read_bytes()[DATA_OFFSET:] != raw[DATA_OFFSET:]


def test_slot_encoding_round_trip() -> None:
    slot = KeySlot("name@v12", b"\x01" * 200, generation=7)
    raw = slot.to_bytes()
    assert len(raw) == SLOT_SIZE
    assert parse_slot(raw) == slot
    with pytest.raises(ValueError):
        KeySlot("x" * 200, b"w").to_bytes()


def test_refuses_to_overwrite_and_accepts_replace(tmp_path: Path, keys: KeyManager) -> None:
    src = tmp_path / "a"
    src.write_bytes(b"hello")
    (tmp_path / "a.enc").write_bytes(b"keep me")
    with pytest.raises(InputError, match="already exists"):
        encrypt_file(src, tmp_path / "a.enc", keys, "k")
    assert (tmp_path / "a.enc").read_bytes() == b"keep me"
    encrypt_file(src, src, keys, "k", replace=True)  # in place
    assert read_info(src).current is not None
    decrypt_file(src, src, keys, replace=True)
    assert src.read_bytes() == b"hello"


def test_not_encrypted_and_wrong_key_type(tmp_path: Path, keys: KeyManager) -> None:
    plain = tmp_path / "plain.csv"
    plain.write_text("a,b\n1,2\n")
    with pytest.raises(IntegrityError, match="not a secplan encrypted file"):
        decrypt_file(plain, tmp_path / "out", keys)
    keys.create("sig", __import__("secplan.crypto.keys.interface", fromlist=["KeyType"]).KeyType.ED25519)
    with pytest.raises(InputError, match="needs an aes-kek"):
        encrypt_file(plain, tmp_path / "p.enc", keys, "sig")
    assert not (tmp_path / "out").exists() and not (tmp_path / "p.enc").exists()
