"""Public keys as tokens and KMS hand them out (DER) turned into the PEM the keystore index keeps."""

from __future__ import annotations

from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives import serialization

from secplan.errors import InputError


def public_pem_from_der(der: bytes, source: str) -> bytes:
    """SubjectPublicKeyInfo PEM of a DER public key (a token's or KMS's answer, named by ``source``)."""
    try:
        key = serialization.load_der_public_key(der)
    except (ValueError, TypeError, UnsupportedAlgorithm):
        raise InputError(f"{source}: returned a public key that is not valid DER") from None
    return key.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
