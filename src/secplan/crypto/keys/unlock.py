"""Pay the keystore's Argon2id once per session: the derived key, kept privately until it expires.

Deriving the local keystore's sealing key costs about a second on purpose (64 MiB Argon2id), which
is a poor price for every command of an interactive session. ``secplan keys unlock`` derives it once
and keeps it in one of two places, never on a persistent disk and never with the passphrase:

* the Linux kernel keyring (session keyring, ``user`` key readable only by its possessors, expired by
  the kernel itself), when the system calls are allowed;
* otherwise a 0600 file under ``$XDG_RUNTIME_DIR`` (a per-user tmpfs the login manager creates and
  removes at logout) holding the key wrapped with AES-256-GCM under a key derived from the keystore's
  salt and verifier, so that the file alone, without the keystore, gives nothing away, and a cache
  made for another keystore does not open.

Either way the entry carries its expiry, checked on every read; an expired entry is removed. An entry
is found by the keystore's identity (salt and verifier), not by its path. ``SECPLAN_UNLOCK_CACHE``
chooses the place: ``keyring``, ``file``, ``off``, or ``auto`` (the default: keyring, else file).
"""

from __future__ import annotations

import base64
import contextlib
import datetime as dt
import hashlib
import json
import os
import re
import stat
import struct
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from secplan.crypto.kdf import hkdf_sha256
from secplan.crypto.keys import keyring
from secplan.errors import InputError
from secplan.fsutil import atomic_write_text

CACHE_ENV = "SECPLAN_UNLOCK_CACHE"
CHOICES = ("auto", "keyring", "file", "off")
DEFAULT_TTL_S = 15 * 60
MAX_TTL_S = 24 * 3600
FORMAT = "secplan-unlock/1"
_MAGIC = b"SPU1"
_TTL = re.compile(r"^(?:(?P<h>[0-9]+)h)?(?:(?P<m>[0-9]+)m)?(?:(?P<s>[0-9]+)s)?$")


@dataclass(frozen=True)
class Unlocked:
    """Where the derived key is kept and until when."""

    where: str
    expires: dt.datetime


def parse_ttl(text: str) -> int:
    """``15m``, ``1h``, ``90s``, ``1h30m``: seconds, 1 .. 24 h."""
    match = _TTL.match(text.strip().lower())
    if not text.strip() or not match:
        raise InputError(f"--ttl {text!r}: give a duration such as 15m, 1h, 90s or 1h30m")
    seconds = int(match["h"] or 0) * 3600 + int(match["m"] or 0) * 60 + int(match["s"] or 0)
    if not 1 <= seconds <= MAX_TTL_S:
        raise InputError(f"--ttl {text!r}: must be between 1s and {MAX_TTL_S // 3600}h")
    return seconds


def _choice() -> str:
    value = os.environ.get(CACHE_ENV, "auto").strip().lower() or "auto"
    if value not in CHOICES:
        raise InputError(f"{CACHE_ENV}={value!r}: choose one of {', '.join(CHOICES)}")
    if value == "auto":
        return "keyring" if keyring.available() else "file"
    return value


def _identity(kdf: dict[str, Any]) -> bytes:
    """What makes a keystore this keystore: its random salt and its passphrase verifier."""
    return base64.b64decode(kdf["salt"]) + b"\0" + base64.b64decode(kdf["check"])


def cache_id(kdf: dict[str, Any]) -> str:
    return hashlib.sha256(b"secplan unlock id v1\0" + _identity(kdf)).hexdigest()[:32]


def _description(kdf: dict[str, Any]) -> str:
    return f"secplan:keystore:{cache_id(kdf)}"


def runtime_dir() -> Path | None:
    """``$XDG_RUNTIME_DIR/secplan`` when the runtime folder is the user's own and private, else None."""
    base = os.environ.get("XDG_RUNTIME_DIR")
    if not base:
        return None
    try:
        info = os.stat(base)
    except OSError:
        return None
    if not stat.S_ISDIR(info.st_mode) or info.st_uid != os.getuid() or info.st_mode & (stat.S_IRWXG | stat.S_IRWXO):
        return None
    return Path(base) / "secplan"


def _file(kdf: dict[str, Any]) -> Path | None:
    folder = runtime_dir()
    return folder / f"unlock-{cache_id(kdf)}.json" if folder else None


def _wrapping(kdf: dict[str, Any]) -> AESGCM:
    return AESGCM(hkdf_sha256(_identity(kdf), b"secplan unlock cache v1"))


def remember(kdf: dict[str, Any], key: bytes, ttl_s: int) -> Unlocked:
    """Keep ``key`` (the derived sealing key) for ``ttl_s`` seconds; a previous entry is replaced."""
    expires = int(time.time()) + ttl_s
    when = dt.datetime.fromtimestamp(expires, dt.UTC)
    place = _choice()
    if place == "off":
        raise InputError(f"the unlock cache is off ({CACHE_ENV}=off)")
    if place == "keyring":
        try:
            keyring.add(_description(kdf), _MAGIC + struct.pack(">Q", expires) + key, ttl_s)
        except OSError as exc:
            raise InputError(f"the kernel keyring refused the key ({exc.strerror})",
                             hint=f"set {CACHE_ENV}=file to keep it under $XDG_RUNTIME_DIR instead") from None
        return Unlocked("kernel keyring (session)", when)
    path = _file(kdf)
    if path is None:
        raise InputError("nowhere private to keep the unlocked keystore: no kernel keyring, and "
                         "$XDG_RUNTIME_DIR is unset or not a private folder of yours",
                         hint="set XDG_RUNTIME_DIR to a 0700 tmpfs folder you own (systemd does this at login)")
    path.parent.mkdir(mode=0o700, exist_ok=True)
    nonce = os.urandom(12)
    wrapped = nonce + _wrapping(kdf).encrypt(nonce, key, _aad(kdf, expires))
    doc = {"format": FORMAT, "expires": expires, "wrapped": base64.b64encode(wrapped).decode("ascii")}
    atomic_write_text(path, json.dumps(doc) + "\n", perms=0o600)
    return Unlocked(str(path), when)


def _aad(kdf: dict[str, Any], expires: int) -> bytes:
    return f"{FORMAT}\n{cache_id(kdf)}\n{expires}".encode("ascii")


def recall(kdf: dict[str, Any]) -> bytes | None:
    """The cached key when one is kept for this keystore and has not expired; None otherwise."""
    try:
        place, description = _choice(), _description(kdf)
    except (InputError, ValueError, KeyError, TypeError):  # a bad setting or a damaged keystore: no cache
        return None
    if place == "keyring":
        payload = keyring.read(description)
        if payload is None or len(payload) != 44 or not payload.startswith(_MAGIC):
            return None
        if struct.unpack(">Q", payload[4:12])[0] <= time.time():
            keyring.remove(description)
            return None
        return payload[12:]
    if place == "file":
        return _recall_file(kdf)
    return None


def _recall_file(kdf: dict[str, Any]) -> bytes | None:
    path = _file(kdf)
    if path is None:
        return None
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW)
    except OSError:
        return None
    with os.fdopen(fd, "rb") as handle:
        info = os.fstat(handle.fileno())
        if not stat.S_ISREG(info.st_mode) or info.st_uid != os.getuid() or stat.S_IMODE(info.st_mode) != 0o600:
            return None  # not ours, or readable by others: never trusted
        raw = handle.read(4096)
    try:
        doc = json.loads(raw)
        expires, wrapped = int(doc["expires"]), base64.b64decode(doc["wrapped"], validate=True)
        if doc.get("format") != FORMAT:
            return None
    except (ValueError, KeyError, TypeError):
        return None
    if expires <= time.time():
        path.unlink(missing_ok=True)
        return None
    try:
        return _wrapping(kdf).decrypt(wrapped[:12], wrapped[12:], _aad(kdf, expires))
    except InvalidTag:  # made for another keystore, or edited (an extended expiry, for one)
        return None


def forget(kdf: dict[str, Any]) -> list[str]:
    """Remove this keystore's entry from every place; the places that had one."""
    removed = []
    if keyring.remove(_description(kdf)):
        removed.append("kernel keyring (session)")
    path = _file(kdf)
    if path is not None and (path.exists() or path.is_symlink()):
        with contextlib.suppress(FileNotFoundError):
            path.unlink()
            removed.append(str(path))
    return removed
