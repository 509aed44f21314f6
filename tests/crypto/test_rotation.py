"""Rotation re-wraps data keys in place; after the old version is destroyed every file still decrypts."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from secplan.crypto.files import decrypt_file, encrypt_file, read_info, rewrap_file
from secplan.crypto.format import DATA_OFFSET, HEADER_SIZE, SLOT_SIZE, KeySlot, slot_offset, wrap_context
from secplan.crypto.keys.interface import KeyState
from secplan.crypto.keys.manager import KeyManager
from secplan.crypto.rotate import rewrap_tree
from secplan.errors import IntegrityError


def _tree(root: Path, keys: KeyManager, key: str, n: int = 3) -> dict[Path, bytes]:
    files = {}
    for i in range(n):
        folder = root / f"part{i % 2}"
        folder.mkdir(parents=True, exist_ok=True)
        data = os.urandom(1000 + 3000 * i)
        src = folder / f"f{i}.bin"
        src.write_bytes(data)
        encrypt_file(src, folder / f"f{i}.bin.enc", keys, key, chunk_size=1024)
        src.unlink()
        files[folder / f"f{i}.bin.enc"] = data
    return files


def _rotate_destroy_decrypt(tmp_path: Path, keys: KeyManager, name: str) -> None:
    data_dir = tmp_path / "data"
    files = _tree(data_dir, keys, name)
    keys.create("unrelated")
    stranger = data_dir / "other.enc"
    (tmp_path / "o").write_bytes(b"other key")
    encrypt_file(tmp_path / "o", stranger, keys, "unrelated")
    before = {p: p.read_bytes() for p in [*files, stranger]}

    old, new = keys.rotate(name)
    assert (old.id, new.id) == (f"{name}@v1", f"{name}@v2")
    assert keys.get(old.id).state is KeyState.RETIRED and keys.get(name).id == new.id
    report = rewrap_tree(data_dir, keys, new)
    assert sorted(report.rewrapped) == sorted(str(p) for p in files)
    assert report.other_keys == [str(stranger)] and not report.failed
    assert stranger.read_bytes() == before[stranger]
    for path in files:
        raw = path.read_bytes()
        assert raw[:HEADER_SIZE] == before[path][:HEADER_SIZE]  # only the key slots changed
        assert raw[DATA_OFFSET:] == before[path][DATA_OFFSET:]
        info = read_info(path)
        assert info.current is not None and info.current.kek_id == new.id and info.current.generation == 2
        assert [s is None for s in info.slots] == [True, False]  # old slot erased

    keys.destroy(old.id)
    assert keys.get(old.id).state is KeyState.DESTROYED
    for path, data in files.items():
        out = path.with_suffix(".out")
        decrypt_file(path, out, keys)
        assert out.read_bytes() == data
    # a second rotation moves the slot back to position 0
    _, third = keys.rotate(name)
    assert len(rewrap_tree(data_dir, keys, third).rewrapped) == len(files)
    assert all(read_info(p).slots[0] is not None for p in files)
    assert not rewrap_tree(data_dir, keys, third).rewrapped  # idempotent


def test_rotation_local(tmp_path: Path, keys: KeyManager) -> None:
    _rotate_destroy_decrypt(tmp_path, keys, "k")


def test_rotation_pkcs11(tmp_path: Path, keys: KeyManager, softhsm: str) -> None:
    keys.create("hsm", provider="pkcs11")
    _rotate_destroy_decrypt(tmp_path, keys, "hsm")


def test_rotation_aws_kms(tmp_path: Path, keys: KeyManager, aws: str) -> None:
    keys.create("kms", provider="aws-kms")
    _rotate_destroy_decrypt(tmp_path, keys, "kms")


def test_file_left_on_destroyed_version_is_shredded(tmp_path: Path, keys: KeyManager) -> None:
    files = _tree(tmp_path / "d", keys, "k", n=1)
    keys.rotate("k")
    keys.destroy("k@v1")  # before re-wrapping: that file is gone for good
    path = next(iter(files))
    with pytest.raises(IntegrityError, match="k@v1 was destroyed"):
        decrypt_file(path, tmp_path / "out", keys)


def test_crash_between_slot_writes(tmp_path: Path, keys: KeyManager) -> None:
    """New slot synced, old slot not yet erased: both valid; the newer generation is used."""
    files = _tree(tmp_path / "d", keys, "k", n=1)
    path, data = next(iter(files.items()))
    _, new = keys.rotate("k")
    info = read_info(path)
    data_key_slot = info.current
    assert data_key_slot is not None
    from secplan.crypto.files import _open_data_key

    data_key = _open_data_key(info, keys)
    slot = KeySlot(new.id, keys.wrap(new, data_key, wrap_context(info.header.file_id, new.id)), 2)
    with open(path, "r+b") as handle:
        handle.seek(slot_offset(1))
        handle.write(slot.to_bytes())
    assert read_info(path).current == slot
    keys.destroy("k@v1")
    decrypt_file(path, tmp_path / "out", keys)
    assert (tmp_path / "out").read_bytes() == data


def test_torn_new_slot_falls_back_to_old(tmp_path: Path, keys: KeyManager) -> None:
    """A crash while writing the new slot leaves a slot that fails its checksum: the old one still works."""
    files = _tree(tmp_path / "d", keys, "k", n=1)
    path, data = next(iter(files.items()))
    _, new = keys.rotate("k")
    with open(path, "r+b") as handle:
        handle.seek(slot_offset(1))
        handle.write(os.urandom(SLOT_SIZE // 2))  # half a slot of garbage
    info = read_info(path)
    assert info.slots[1] is None and info.current is not None and info.current.kek_id == "k@v1"
    decrypt_file(path, tmp_path / "out", keys)
    assert (tmp_path / "out").read_bytes() == data
    assert rewrap_file(path, keys, new)  # the rotation can simply be run again
    keys.destroy("k@v1")
    (tmp_path / "out").unlink()
    decrypt_file(path, tmp_path / "out", keys)
    assert (tmp_path / "out").read_bytes() == data


def test_rewrap_refuses_a_tampered_file(tmp_path: Path, keys: KeyManager) -> None:
    files = _tree(tmp_path / "d", keys, "k", n=1)
    path = next(iter(files))
    raw = bytearray(path.read_bytes())
    raw[42] ^= 1  # nonce prefix: the key commitment no longer matches
    path.write_bytes(bytes(raw))
    _, new = keys.rotate("k")
    report = rewrap_tree(tmp_path / "d", keys, new)
    assert list(report.failed) == [str(path)] and "header tampered" in report.failed[str(path)]
    assert path.read_bytes() == bytes(raw)
