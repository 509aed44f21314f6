"""Bounded fuzzing of the decryptor: a mutated file either fails with a clear secplan error and leaves no
output, or (when only the unused key slot changed, as a torn rotation write would) decrypts to exactly
the original plaintext. Never a crash, never wrong or partial output."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from secplan.crypto.files import decrypt_file, encrypt_file
from secplan.crypto.keys.manager import KeyManager
from secplan.errors import SecplanError

SIZE = 2500  # three 1 KiB chunks, the last short


@pytest.fixture
def sealed(tmp_path: Path, keys: KeyManager) -> tuple[bytes, bytes]:
    src = tmp_path / "in.bin"
    plain = os.urandom(SIZE)
    src.write_bytes(plain)
    encrypt_file(src, tmp_path / "in.enc", keys, "k", chunk_size=1024)
    return plain, (tmp_path / "in.enc").read_bytes()


mutation = st.one_of(
    st.tuples(st.just("flip"), st.integers(0, 10_000), st.integers(1, 255)),
    st.tuples(st.just("cut"), st.integers(0, 10_000), st.just(0)),
    st.tuples(st.just("insert"), st.integers(0, 10_000), st.integers(0, 255)),
    st.tuples(st.just("delete"), st.integers(0, 10_000), st.integers(1, 64)),
)


def _apply(raw: bytes, kind: str, where: int, value: int) -> bytes:
    at = where % (len(raw) + 1)
    if kind == "flip":
        if not raw:  # nothing left to flip after an earlier cut
            return raw
        at = where % len(raw)
        return raw[:at] + bytes([raw[at] ^ value]) + raw[at + 1 :]
    if kind == "cut":
        return raw[:at]
    if kind == "insert":
        return raw[:at] + bytes([value]) + raw[at:]
    return raw[:at] + raw[at + value :]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(mutations=st.lists(mutation, min_size=1, max_size=3))
def test_mutated_files_fail_cleanly(tmp_path: Path, keys: KeyManager, sealed: tuple[bytes, bytes],
                                    mutations) -> None:
    plain, raw = sealed
    for kind, where, value in mutations:
        raw = _apply(raw, kind, where, value)
    victim = tmp_path / "victim.enc"
    victim.write_bytes(raw)
    out = tmp_path / "victim.out"
    try:
        decrypt_file(victim, out, keys)
    except SecplanError as exc:
        assert str(victim) in exc.message
        assert not out.exists()
    else:
        assert out.read_bytes() == plain
        out.unlink()
    assert not [p for p in os.listdir(tmp_path) if p.endswith(".tmp")]


def test_changed_unused_slot_still_decrypts(tmp_path: Path, keys: KeyManager, sealed: tuple[bytes, bytes]) -> None:
    """Garbage in the unused slot is what a torn rotation write leaves: it must not lock the data out."""
    from secplan.crypto.format import SLOT_SIZE, slot_offset

    plain, raw = sealed
    start = slot_offset(1)
    victim = tmp_path / "victim.enc"
    victim.write_bytes(raw[:start] + os.urandom(SLOT_SIZE) + raw[start + SLOT_SIZE :])
    decrypt_file(victim, tmp_path / "out", keys)
    assert (tmp_path / "out").read_bytes() == plain
