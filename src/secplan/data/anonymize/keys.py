"""The pseudonymisation key: from the file ``SECPLAN_PSEUDONYM_KEY`` names.

The file holds at least 32 random bytes (``head -c 32 /dev/urandom > key``) and must not be readable
by group or others. The HMAC key is derived from it with HKDF-SHA256 and a fixed label, so the
same file never serves two purposes with the same bytes. The key is never printed or logged.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from secplan.errors import InputError

KEY_ENV = "SECPLAN_PSEUDONYM_KEY"
_INFO = b"secplan pseudonymisation v1"
MIN_KEY_BYTES = 32


def pseudonym_key(context: str = "") -> bytes:
    """The 32-byte HMAC key; ``context`` separates key spaces (tokens from two contexts never match)."""
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.kdf.hkdf import HKDF

    location = os.environ.get(KEY_ENV)
    if not location:
        raise InputError(
            "pseudonymisation needs a key: no key file configured",
            hint=f"create one with `head -c 32 /dev/urandom > key && chmod 600 key` and set {KEY_ENV}=<path>",
        )
    path = Path(location)
    try:
        info = path.stat()
        material = path.read_bytes()
    except OSError as exc:
        raise InputError(f"{KEY_ENV} names {path}, which cannot be read: {exc.strerror}") from None
    if info.st_mode & (stat.S_IRWXG | stat.S_IRWXO):
        raise InputError(f"{path}: key file is accessible to group or others", hint=f"chmod 600 {path}")
    if len(material) < MIN_KEY_BYTES:
        raise InputError(f"{path}: key file holds {len(material)} bytes; at least {MIN_KEY_BYTES} are needed")
    return HKDF(hashes.SHA256(), 32, salt=None, info=_INFO + b"\x00" + context.encode()).derive(material)
