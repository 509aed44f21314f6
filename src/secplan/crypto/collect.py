"""The ``keys`` evidence: the keystore (where, what mode), its keys' metadata, and which key each
encrypted file of the project is wrapped under. No passphrase needed; nothing secret is read."""

from __future__ import annotations

import datetime as dt
import stat
from dataclasses import dataclass
from pathlib import Path

from secplan.assess.evidence import Evidence, collector
from secplan.crypto.keys.interface import KeyVersion
from secplan.crypto.keys.keystore import Keystore, default_keystore_path
from secplan.errors import SecplanError
from secplan.vocabulary import AssetKind


@dataclass(frozen=True)
class EncryptedFile:
    path: str
    """Relative to the project root."""
    kek_id: str | None
    """The KEK id of the file's current key slot; ``None`` when no slot could be read."""
    problem: str | None = None


@dataclass(frozen=True)
class KeysEvidence:
    keystore: Path
    exists: bool
    file_mode: int | None
    dir_mode: int | None
    in_project: bool
    """True when the keystore lies inside the project tree."""
    keys: tuple[KeyVersion, ...]
    files: tuple[EncryptedFile, ...]

    def version(self, kek_id: str) -> KeyVersion | None:
        return next((k for k in self.keys if k.id == kek_id), None)


def gather(root: Path, encrypted_paths: list[str]) -> KeysEvidence:
    from secplan.crypto.files import read_info

    path = default_keystore_path(root).resolve()
    keystore = Keystore(path)
    exists = path.is_file()
    file_mode = stat.S_IMODE(path.stat().st_mode) if exists else None
    dir_mode = stat.S_IMODE(path.parent.stat().st_mode) if path.parent.is_dir() else None
    in_project = path.is_relative_to(root.resolve())
    keys = tuple(keystore.versions()) if exists else ()
    files = []
    for rel in encrypted_paths:
        try:
            current = read_info(root / rel).current
            files.append(EncryptedFile(rel, current.kek_id if current else None))
        except SecplanError as exc:
            files.append(EncryptedFile(rel, None, exc.message.replace(str(root / rel), rel)))
    return KeysEvidence(path, exists, file_mode, dir_mode, in_project, keys, tuple(files))


@collector("keys")
def collect_keys(ev: Evidence) -> KeysEvidence:
    return gather(ev.root, [f.path for f in ev.files_of(AssetKind.ENCRYPTED)])


def key_age_days(key: KeyVersion, today: dt.date) -> int:
    return (today - key.created.date()).days


__all__ = ["EncryptedFile", "KeysEvidence", "collect_keys", "gather", "key_age_days"]
