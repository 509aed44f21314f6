"""The signer API: file keys created once and private, public keys that verify and refuse."""

from __future__ import annotations

import os
import stat

import pytest

from secplan.crypto.keys.interface import KeyType
from secplan.crypto.keys.signer import FileSigner, PublicKey
from secplan.errors import InputError


def test_file_signer_creates_a_private_key_once(tmp_path):
    path = tmp_path / "keys" / "ledger.key"
    first = FileSigner(path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    again = FileSigner(path)
    assert again.public_key == first.public_key
    signature = again.sign(b"message")
    assert first.public_key.verify(signature, b"message")
    assert not first.public_key.verify(signature, b"messagf")
    assert not first.public_key.verify(signature[:-1] + bytes([signature[-1] ^ 1]), b"message")


def test_public_key_round_trips_through_pem(tmp_path):
    signer = FileSigner(tmp_path / "k")
    pem = signer.public_key.pem()
    assert PublicKey.from_pem(pem) == signer.public_key
    assert signer.public_key.type is KeyType.ED25519 and len(signer.public_key.raw) == 32


def test_file_key_readable_by_others_is_refused(tmp_path):
    path = tmp_path / "k"
    FileSigner(path)
    os.chmod(path, 0o644)
    with pytest.raises(InputError, match="accessible to other users"):
        FileSigner(path)


def test_existing_creates_nothing(tmp_path):
    assert FileSigner.existing(tmp_path / "none") is None
    assert not (tmp_path / "none").exists()


def test_garbage_key_file_is_a_clear_error(tmp_path):
    path = tmp_path / "k"
    path.write_bytes(b"-----BEGIN nonsense")
    path.chmod(0o600)
    with pytest.raises(InputError, match="not a PEM Ed25519"):
        FileSigner(path)


def test_not_a_public_key():
    with pytest.raises(InputError, match="not a PEM public key"):
        PublicKey.from_pem(b"hello")
