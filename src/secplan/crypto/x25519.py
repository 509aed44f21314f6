"""X25519 keys in PEM, as raw 32-byte values: what age recipients and identities are made of.

``secplan keys export-public`` writes an x25519 key as SubjectPublicKeyInfo PEM and other tools
write PKCS#8 private keys; the share engine turns both into age strings. Errors name the source and
never echo key material.
"""

from __future__ import annotations

from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import x25519

from secplan.errors import InputError

RAW_LENGTH = 32


def public_raw_from_pem(pem: bytes, source: str) -> bytes:
    """The 32-byte public key of an X25519 SubjectPublicKeyInfo PEM."""
    try:
        public = serialization.load_pem_public_key(pem)
    except (ValueError, TypeError, UnsupportedAlgorithm):
        raise InputError(f"{source}: not a PEM public key") from None
    if not isinstance(public, x25519.X25519PublicKey):
        raise InputError(f"{source}: the public key is not X25519 (create one with "
                         "`secplan keys create NAME --type x25519`)")
    return public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def private_raw_from_pem(pem: bytes, source: str) -> bytes:
    """The 32-byte private key of an unencrypted PKCS#8 X25519 PEM."""
    try:
        private = serialization.load_pem_private_key(pem, password=None)
    except (ValueError, TypeError, UnsupportedAlgorithm):
        raise InputError(f"{source}: not an unencrypted PEM private key") from None
    if not isinstance(private, x25519.X25519PrivateKey):
        raise InputError(f"{source}: the private key is not X25519")
    return private.private_bytes(serialization.Encoding.Raw, serialization.PrivateFormat.Raw,
                                 serialization.NoEncryption())
