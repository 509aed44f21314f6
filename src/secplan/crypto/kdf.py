"""HKDF-SHA256 (RFC 5869): one secret, many keys that never serve two purposes.

Engines that derive a key from a secret they hold (the pseudonymisation HMAC key, the unlock cache's
wrapping key) call this instead of reaching for a cryptography library themselves, so every
primitive secplan uses is chosen, and reviewed, in ``secplan.crypto``.
"""

from __future__ import annotations

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

MAX_LENGTH = 255 * 32
"""RFC 5869's limit for SHA-256: 255 blocks of output."""


def hkdf_sha256(material: bytes, info: bytes, *, length: int = 32, salt: bytes | None = None) -> bytes:
    """``length`` bytes derived from ``material``; ``info`` names the purpose (distinct info, unrelated keys)."""
    if not 1 <= length <= MAX_LENGTH:
        raise ValueError(f"HKDF-SHA256 derives 1..{MAX_LENGTH} bytes, not {length}")
    return HKDF(hashes.SHA256(), length, salt=salt, info=info).derive(material)
