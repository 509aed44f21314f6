"""The ``keys`` evidence: the keystore (where, what mode), its keys' metadata, and which key each
encrypted file of the project is wrapped under. No passphrase needed; nothing secret is read."""

from __future__ import annotations

import datetime as dt
import stat
from pathlib import Path

from secplan.assess.evidence import Evidence, collector
from secplan.crypto.evidence import KEYS, EncryptedFile, KeysEvidence
from secplan.crypto.keys.interface import KeyVersion
from secplan.crypto.keys.keystore import Keystore, default_keystore_path
from secplan.errors import SecplanError
from secplan.vocabulary import AssetKind


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


@collector(KEYS)
def collect_keys(ev: Evidence) -> KeysEvidence:
    return gather(ev.root, [f.path for f in ev.files_of(AssetKind.ENCRYPTED)])


def key_age_days(key: KeyVersion, today: dt.date) -> int:
    return (today - key.created.date()).days


__all__ = ["collect_keys", "gather", "key_age_days"]
