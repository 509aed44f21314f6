"""The pseudonymisation key, from one of two places:

1. the keystore (``secplan keys``): a 32-byte secret, created on first use, kept only *wrapped* under
   a key-encryption key (``--key NAME`` or the policy's ``key:``) in
   ``.secplan/pseudonym/<NAME>.json``. The secret thus enjoys the KEK's protection (passphrase,
   HSM or KMS), and destroying the KEK crypto-shreds the mapping: tokens can no longer be recomputed.
2. otherwise, the file ``SECPLAN_PSEUDONYM_KEY`` names: at least 32 random bytes
   (``head -c 32 /dev/urandom > key``), not readable by group or others.

Either way the HMAC key is derived with HKDF-SHA256 and a fixed label, so the same secret never
serves two purposes. The key is never printed or logged.
"""

from __future__ import annotations

import base64
import json
import os
import re
import stat
from pathlib import Path

from secplan.errors import InputError, IntegrityError
from secplan.fsutil import atomic_write_text

KEY_ENV = "SECPLAN_PSEUDONYM_KEY"
_INFO = b"secplan pseudonymisation v1"
MIN_KEY_BYTES = 32
_USE = "pseudonymisation"


def _derive(material: bytes, context: str) -> bytes:
    from secplan.crypto.kdf import hkdf_sha256

    return hkdf_sha256(material, _INFO + b"\x00" + context.encode())


def pseudonym_key(context: str = "", *, root: Path | None = None, key_ref: str | None = None) -> bytes:
    """The 32-byte HMAC key; ``context`` separates key spaces (tokens from two contexts never match).

    With ``key_ref``, the secret comes from the keystore of the project at ``root``.
    """
    if key_ref:
        return _derive(keystore_secret(root or Path("."), key_ref), context)
    return _derive(file_secret(), context)


def file_secret() -> bytes:
    location = os.environ.get(KEY_ENV)
    if not location:
        raise InputError(
            "pseudonymisation needs a key: no key file configured and no keystore key named",
            hint=f"use a keystore key (--key NAME, see `secplan keys create`), or create a key file with "
                 f"`head -c 32 /dev/urandom > key && chmod 600 key` and set {KEY_ENV}=<path>",
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
    return material


def secret_path(root: Path, name: str) -> Path:
    return root / ".secplan" / "pseudonym" / f"{name}.json"


def keystore_secret(root: Path, ref: str) -> bytes:
    """Unwrap (or, on first use, create and wrap) the pseudonymisation secret under key ``ref``."""
    from secplan.crypto.keys.manager import KeyManager, parse_ref

    name, _version = parse_ref(ref)
    if not re.fullmatch(r"[A-Za-z0-9_.-]+", name):
        raise InputError(f"key name {name!r} may hold only letters, digits, '.', '_' and '-'")
    keys = KeyManager.for_project(root)
    path = secret_path(root, name)
    if path.exists():
        try:
            doc = json.loads(path.read_text(encoding="utf-8"))
            kek, wrapped = str(doc["kek"]), base64.b64decode(doc["wrapped"], validate=True)
        except (ValueError, KeyError, TypeError):
            raise IntegrityError(f"{path}: wrapped pseudonymisation secret is corrupt") from None
        return keys.unwrap(kek, wrapped, {"secplan:use": _USE, "secplan:kek": kek})
    from secplan.crypto.keys.interface import KeyType

    key = keys.get(ref)
    if key.type is not KeyType.AES_KEK:
        raise InputError(f"key {key.id} is {key.type}; the pseudonymisation secret needs an aes-kek key")
    secret = os.urandom(32)
    wrapped = keys.wrap(key, secret, {"secplan:use": _USE, "secplan:kek": key.id})
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    atomic_write_text(path, json.dumps({"kek": key.id, "wrapped": base64.b64encode(wrapped).decode("ascii")}) + "\n",
                      perms=0o600)
    keys.record_event("data.pseudonym_key.create", f"pseudonym:{name}", {"kek": key.id})
    return secret
