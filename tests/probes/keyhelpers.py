"""Keys and encrypted files in a test project, for the key-management probes."""

from __future__ import annotations

from pathlib import Path

import pytest

from secplan.crypto.keys.keystore import KdfParams, Keystore, default_keystore_path
from secplan.crypto.keys.local import LocalProvider
from secplan.crypto.keys.manager import KeyManager


def project_keys(root: Path, monkeypatch: pytest.MonkeyPatch) -> KeyManager:
    """The project's own keystore (``.secplan/keys``), with a cheap KDF, not audited."""
    monkeypatch.setenv("SECPLAN_PASSPHRASE", "probe tests passphrase")
    monkeypatch.delenv("SECPLAN_KEYSTORE", raising=False)
    return keys_at(default_keystore_path(root))


def keys_at(path: Path) -> KeyManager:
    """A keystore at ``path`` with a cheap KDF (the keystore records it; readers use the same)."""
    keystore = Keystore(path)
    return KeyManager(keystore, local=LocalProvider(keystore, KdfParams(8192, 1, 1)))
