"""The small primitives engines call instead of a cryptography library: same bytes as the standards."""

from __future__ import annotations

import hashlib
import hmac

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ed25519, x25519

from secplan.crypto.kdf import hkdf_sha256
from secplan.crypto.x25519 import private_raw_from_pem, public_raw_from_pem
from secplan.errors import InputError


def _rfc5869(ikm: bytes, salt: bytes, info: bytes, length: int) -> bytes:
    """HKDF written from RFC 5869 section 2 with hmac alone (an independent implementation)."""
    prk = hmac.new(salt or b"\0" * 32, ikm, hashlib.sha256).digest()
    okm, block, counter = b"", b"", 1
    while len(okm) < length:
        block = hmac.new(prk, block + info + bytes([counter]), hashlib.sha256).digest()
        okm += block
        counter += 1
    return okm[:length]


def test_hkdf_matches_rfc_5869_test_case_1() -> None:
    ikm = bytes.fromhex("0b" * 22)
    salt = bytes.fromhex("000102030405060708090a0b0c")
    info = bytes.fromhex("f0f1f2f3f4f5f6f7f8f9")
    expected = bytes.fromhex("3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf"
                             "34007208d5b887185865")
    assert hkdf_sha256(ikm, info, length=42, salt=salt) == expected


@pytest.mark.parametrize("length", [1, 32, 33, 100])
def test_hkdf_without_salt_matches_the_rfc_algorithm(length: int) -> None:
    """The pseudonymisation key uses no salt: tokens made before this module must not change."""
    material = bytes(range(40))
    info = b"secplan pseudonymisation v1\x00orders"
    assert hkdf_sha256(material, info, length=length) == _rfc5869(material, b"", info, length)
    with pytest.raises(ValueError, match=r"1\.\.8160"):
        hkdf_sha256(material, info, length=0)


def test_pseudonym_key_is_the_same_derivation_as_before(tmp_path, monkeypatch) -> None:
    from secplan.data.anonymize.keys import KEY_ENV, pseudonym_key

    secret = tmp_path / "pseudonym.key"
    secret.write_bytes(bytes(range(32)))
    secret.chmod(0o600)
    monkeypatch.setenv(KEY_ENV, str(secret))
    assert pseudonym_key("orders") == _rfc5869(bytes(range(32)), b"", b"secplan pseudonymisation v1\x00orders", 32)


def test_x25519_pem_round_trips_to_raw_bytes() -> None:
    private = x25519.X25519PrivateKey.generate()
    public_pem = private.public_key().public_bytes(serialization.Encoding.PEM,
                                                   serialization.PublicFormat.SubjectPublicKeyInfo)
    private_pem = private.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                        serialization.NoEncryption())
    assert public_raw_from_pem(public_pem, "pub") == private.public_key().public_bytes_raw()
    assert private_raw_from_pem(private_pem, "id") == private.private_bytes_raw()


def test_x25519_pem_errors_name_the_source_and_never_the_key() -> None:
    other = ed25519.Ed25519PrivateKey.generate()
    other_pem = other.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                    serialization.NoEncryption())
    with pytest.raises(InputError, match=r"^id\.pem: the private key is not X25519$"):
        private_raw_from_pem(other_pem, "id.pem")
    with pytest.raises(InputError, match=r"^pub\.pem: the public key is not X25519"):
        public_raw_from_pem(other.public_key().public_bytes(serialization.Encoding.PEM,
                                                            serialization.PublicFormat.SubjectPublicKeyInfo),
                            "pub.pem")
    with pytest.raises(InputError, match=r"^pub\.pem: not a PEM public key$"):
        public_raw_from_pem(b"-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n", "pub.pem")
    encrypted = x25519.X25519PrivateKey.generate().private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
        serialization.BestAvailableEncryption(b"pw-pw-pw"))
    with pytest.raises(InputError, match="not an unencrypted PEM private key") as info:
        private_raw_from_pem(encrypted, "id.pem")
    assert "BEGIN" not in str(info.value)
