"""The keystore file: the index of every key (all providers) and the sealed material of ``local`` keys.

One JSON file, mode 0600, in a 0700 folder (``<project>/.secplan/keys/keystore.json`` or
``$SECPLAN_KEYSTORE``). Metadata is in clear so that ``keys list`` and the assessment need no
passphrase; ``local`` key material is sealed with AES-256-GCM under a key derived with Argon2id from
the passphrase. A passphrase verifier tells a wrong passphrase from tampered material.
"""

from __future__ import annotations

import base64
import contextlib
import datetime as dt
import fcntl
import json
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from secplan.crypto.keys.interface import KeyState, KeyType, KeyVersion
from secplan.errors import InputError, IntegrityError
from secplan.fsutil import atomic_write_text

KEYSTORE_ENV = "SECPLAN_KEYSTORE"
FORMAT = "secplan-keystore"
FORMAT_VERSION = 1


def default_keystore_path(root: Path) -> Path:
    override = os.environ.get(KEYSTORE_ENV)
    if override:
        return Path(override).expanduser()
    return root.resolve() / ".secplan" / "keys" / "keystore.json"


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def unb64(text: str, what: str) -> bytes:
    try:
        return base64.b64decode(text, validate=True)
    except (ValueError, TypeError):
        raise IntegrityError(f"keystore: {what} is not valid base64: keystore damaged") from None


@dataclass(frozen=True)
class KdfParams:
    """Argon2id cost (RFC 9106 second recommended option, 64 MiB)."""

    memory_kib: int = 65536
    iterations: int = 3
    lanes: int = 4

    def to_dict(self) -> dict[str, int]:
        return {"memory_kib": self.memory_kib, "iterations": self.iterations, "lanes": self.lanes}


class Keystore:
    """Reads and updates the keystore file under an exclusive lock, writing it atomically."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)

    @property
    def exists(self) -> bool:
        return self.path.exists()

    def load(self) -> dict[str, Any]:
        if not self.path.exists():
            return {"format": FORMAT, "version": FORMAT_VERSION, "kdf": None, "keys": {}}
        try:
            doc = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise InputError(f"{self.path}: cannot read keystore: {type(exc).__name__}") from None
        if not isinstance(doc, dict) or doc.get("format") != FORMAT:
            raise InputError(f"{self.path}: not a secplan keystore")
        if doc.get("version") != FORMAT_VERSION:
            raise InputError(f"{self.path}: unsupported keystore version {doc.get('version')!r}")
        if not isinstance(doc.get("keys"), dict):
            raise InputError(f"{self.path}: keystore has no 'keys' table")
        return doc

    @contextlib.contextmanager
    def update(self) -> Iterator[dict[str, Any]]:
        """Yield the document for changes; written back atomically (0600) when the block succeeds."""
        self.path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        lock_path = self.path.with_name(self.path.name + ".lock")
        fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            doc = self.load()
            yield doc
            atomic_write_text(self.path, json.dumps(doc, indent=1, sort_keys=True) + "\n", perms=0o600)
        finally:
            os.close(fd)

    def versions(self, doc: dict[str, Any] | None = None) -> list[KeyVersion]:
        doc = doc if doc is not None else self.load()
        out: list[KeyVersion] = []
        for name, entry in sorted(doc["keys"].items()):
            for raw in entry.get("versions", []):
                out.append(version_from_dict(name, entry, raw, self.path))
        return out


def version_from_dict(name: str, entry: dict[str, Any], raw: dict[str, Any], path: Path) -> KeyVersion:
    try:
        return KeyVersion(
            name=name,
            version=int(raw["version"]),
            type=KeyType(entry["type"]),
            provider=str(entry["provider"]),
            created=dt.datetime.fromisoformat(raw["created"]),
            state=KeyState(raw["state"]),
            destroyed_at=dt.datetime.fromisoformat(raw["destroyed_at"]) if raw.get("destroyed_at") else None,
            ref=dict(raw.get("ref") or {}),
        )
    except (KeyError, ValueError, TypeError):
        raise InputError(f"{path}: key {name!r} has a malformed entry") from None


def version_to_dict(key: KeyVersion) -> dict[str, Any]:
    return {
        "version": key.version,
        "created": key.created.isoformat(),
        "state": str(key.state),
        "destroyed_at": key.destroyed_at.isoformat() if key.destroyed_at else None,
        "ref": key.ref,
    }
