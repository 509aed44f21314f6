"""Signers for a purpose over every provider: the file key by default, managed keys when configured."""

from __future__ import annotations

from pathlib import Path

import pytest
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec

from secplan.crypto.keys.interface import KeyType
from secplan.crypto.keys.manager import KeyManager
from secplan.crypto.keys.purpose import signer_for, trusted_keys
from secplan.crypto.keys.signer import FileSigner, ManagedSigner
from secplan.errors import InputError


def test_without_a_key_the_file_key_signs_and_is_trusted(tmp_path: Path) -> None:
    file = tmp_path / "home" / "purpose.key"
    assert trusted_keys(None, file=file, manager=_no_manager).keys == []
    assert not file.exists()  # verifying creates nothing
    signer = signer_for(None, file=file, manager=_no_manager)
    assert isinstance(signer, FileSigner) and file.exists()
    assert trusted_keys(None, file=file, manager=_no_manager).keys == [signer.public_key]


def _no_manager() -> KeyManager:
    raise AssertionError("no keystore is opened when no managed key is configured")


def test_every_live_version_of_the_managed_key_is_trusted(tmp_path: Path, keys: KeyManager) -> None:
    file = tmp_path / "purpose.key"
    before = FileSigner(file).public_key
    keys.create("sig", KeyType.ED25519)
    v1 = signer_for("sig", file=file, manager=lambda: keys)
    assert isinstance(v1, ManagedSigner) and v1.key_ref == "sig@v1"
    keys.rotate("sig")
    v2 = signer_for("sig", file=file, manager=lambda: keys)
    assert v2.key_ref == "sig@v2" and v2.public_key != v1.public_key
    trusted = trusted_keys("sig", file=file, manager=lambda: keys)
    assert trusted.keys == [before, v1.public_key, v2.public_key] and trusted.problem is None
    keys.destroy("sig@v1")
    assert trusted_keys("sig", file=file, manager=lambda: keys).keys == [before, v2.public_key]


def test_an_unreadable_configured_key_is_reported_not_raised(tmp_path: Path, keys: KeyManager) -> None:
    trusted = trusted_keys("missing", file=tmp_path / "none.key", manager=lambda: keys)
    assert trusted.keys == [] and "configured key 'missing' cannot be read: no key named" in trusted.problem
    with pytest.raises(InputError, match="no key named 'missing'"):
        signer_for("missing", file=tmp_path / "none.key", manager=lambda: keys)
    with pytest.raises(InputError, match="signing needs an ed25519 or ecdsa-p256 key"):
        signer_for("k", file=tmp_path / "none.key", manager=lambda: keys)  # an aes-kek


def test_aws_kms_signing_key_signs_inside_kms(keys: KeyManager, aws: str, monkeypatch) -> None:
    key = keys.create("kms-sign", KeyType.ECDSA_P256, provider="aws-kms")
    assert key.ref["key_arn"].startswith("arn:aws:kms:") and "public_pem" in key.ref
    signer = ManagedSigner(keys, "kms-sign")
    message = b"checkpoint 42"
    signature = signer.sign(message)
    assert signer.public_key.type is KeyType.ECDSA_P256 and signer.public_key.verify(signature, message)
    assert not signer.public_key.verify(signature, message + b"!")
    independent = serialization.load_pem_public_key(keys.export_public("kms-sign"))
    independent.verify(signature, message, ec.ECDSA(hashes.SHA256()))
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "nobody")  # the public key is in the index: no KMS call
    monkeypatch.setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:9")
    assert trusted_keys("kms-sign", file=Path("/nonexistent/k"), manager=lambda: keys).keys == [signer.public_key]
    with pytest.raises(InputError, match="cannot wrap data keys"):
        keys.wrap(key, b"\0" * 32, {"secplan:kek": key.id})


def test_pkcs11_signing_key_keeps_its_public_key_in_the_index(keys: KeyManager, softhsm: str, monkeypatch) -> None:
    keys.create("hsm-sig", KeyType.ECDSA_P256, provider="pkcs11")
    signer = ManagedSigner(keys, "hsm-sig")
    signature = signer.sign(b"attestation")
    monkeypatch.delenv("SECPLAN_PKCS11_PIN")
    reopened = ManagedSigner(keys, "hsm-sig")  # no PIN: the public half comes from the keystore index
    assert reopened.public_key == signer.public_key and reopened.public_key.verify(signature, b"attestation")
    with pytest.raises(InputError, match="needs a user PIN"):
        reopened.sign(b"attestation")
