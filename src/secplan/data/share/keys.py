"""Recipient public keys and identities for shares, as age strings or as PEM X25519 keys.

A recipient may hand over an ``age1...`` string or the PEM that ``secplan keys export-public`` writes
for an x25519 key; both become the same age recipient. Identities are age identity files
(``AGE-SECRET-KEY-1...``) or PEM (PKCS#8) X25519 private keys. Secrets are never echoed in errors.
"""

from __future__ import annotations

from pathlib import Path

from secplan.crypto.x25519 import private_raw_from_pem, public_raw_from_pem
from secplan.data.share import bech32
from secplan.errors import InputError

RECIPIENT_HRP = "age"
IDENTITY_HRP = "AGE-SECRET-KEY-"
_MAX_KEY_FILE = 64 * 1024


def recipient_from_text(text: str, source: str) -> str:
    """The age recipient string for an ``age1...`` string or an X25519 public key in PEM."""
    text = text.strip()
    if text.startswith("-----BEGIN"):
        try:
            pem = text.encode("ascii")
        except UnicodeEncodeError:
            raise InputError(f"{source}: not a PEM public key") from None
        return bech32.encode(RECIPIENT_HRP, public_raw_from_pem(pem, source))
    lines = [ln.strip() for ln in text.splitlines() if ln.strip() and not ln.strip().startswith("#")]
    if len(lines) != 1:
        raise InputError(f"{source}: expected one age recipient (age1...) or a PEM X25519 public key")
    raw = bech32.decode(lines[0], RECIPIENT_HRP, source)
    if len(raw) != 32:
        raise InputError(f"{source}: an age X25519 recipient holds 32 bytes, this one {len(raw)}")
    return bech32.encode(RECIPIENT_HRP, raw)


def parse_recipient(value: str) -> str:
    """``--recipient``: an age string, or a file holding one or a PEM X25519 public key."""
    if value.strip().lower().startswith("age1"):
        return recipient_from_text(value, "--recipient")
    path = Path(value)
    if not path.is_file():
        raise InputError(f"--recipient {value!r}: neither an age recipient (age1...) nor a key file")
    return recipient_from_text(_read_small(path), str(path))


def load_identity(path: Path) -> tuple[object, str]:
    """A pyrage identity from an age identity file or a PEM X25519 private key, and its recipient."""
    from pyrage import x25519 as age_x25519

    text = _read_small(path).strip()
    if text.startswith("-----BEGIN"):
        try:
            pem = text.encode("ascii")
        except UnicodeEncodeError:
            raise InputError(f"{path}: not an unencrypted PEM private key") from None
        raw = private_raw_from_pem(pem, str(path))
        secret = bech32.encode(IDENTITY_HRP.lower(), raw).upper()
    else:
        lines = [ln.strip() for ln in text.splitlines() if ln.strip() and not ln.strip().startswith("#")]
        keys = [ln for ln in lines if ln.upper().startswith(IDENTITY_HRP + "1")]
        if len(keys) != 1:
            raise InputError(f"{path}: expected one age identity (AGE-SECRET-KEY-1...) or a PEM X25519 private key")
        bech32.decode(keys[0], IDENTITY_HRP, str(path))  # precise errors without echoing the secret
        secret = keys[0].upper()
    try:
        identity = age_x25519.Identity.from_str(secret)
    except Exception:  # pyrage raises its own types; never echo the key
        raise InputError(f"{path}: not a usable age X25519 identity") from None
    return identity, str(identity.to_public())


def _read_small(path: Path) -> str:
    try:
        if path.stat().st_size > _MAX_KEY_FILE:
            raise InputError(f"{path}: too large for a key file")
        return path.read_text(encoding="ascii")
    except UnicodeDecodeError:
        raise InputError(f"{path}: a key file is ASCII text") from None
    except OSError as exc:
        raise InputError(f"{path}: cannot read: {exc.strerror}") from None
