"""Keys and encrypted files in a test project, for the key-management probes."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from secplan.crypto.evidence import EncryptedFile, KeysEvidence
from secplan.crypto.keys.interface import KeyState, KeyType, KeyVersion
from secplan.crypto.keys.keystore import KdfParams, Keystore, default_keystore_path
from secplan.crypto.keys.local import LocalProvider
from secplan.crypto.keys.manager import KeyManager

from .cases import TODAY, at


def project_keys(root: Path, monkeypatch: pytest.MonkeyPatch) -> KeyManager:
    """The project's own keystore (``.secplan/keys``), with a cheap KDF, not audited."""
    monkeypatch.setenv("SECPLAN_PASSPHRASE", "probe tests passphrase")
    monkeypatch.delenv("SECPLAN_KEYSTORE", raising=False)
    return keys_at(default_keystore_path(root))


def keys_at(path: Path) -> KeyManager:
    """A keystore at ``path`` with a cheap KDF (the keystore records it; readers use the same)."""
    keystore = Keystore(path)
    return KeyManager(keystore, local=LocalProvider(keystore, KdfParams(8192, 1, 1)))


def key(name: str, provider: str = "local", created_days_ago: int = 10, state: str = "active",
        **ref: str) -> KeyVersion:
    """Metadata of one key version, as the keystore lists it (no material)."""
    return KeyVersion(name, 1, KeyType.AES_KEK, provider, at(TODAY - dt.timedelta(days=created_days_ago)),
                      KeyState(state), at(TODAY) if state == "destroyed" else None, dict(ref))


def keys_evidence(*versions: KeyVersion, files: tuple[EncryptedFile, ...] = (), exists: bool = True,
                  file_mode: int | None = 0o600, dir_mode: int | None = 0o700, in_project: bool = True):
    """The ``keys`` evidence for a project: a function of its root, since the keystore is a path in it."""

    def build(root: Path) -> KeysEvidence:
        keystore = root / ".secplan" / "keys.json" if in_project else Path("/var/lib/secplan/keys.json")
        return KeysEvidence(keystore, exists, file_mode if exists else None, dir_mode if exists else None,
                            in_project, tuple(versions), files)

    return build
