"""Named, versioned keys over any provider: create, rotate, destroy, export; events to the ledger.

A key reference is ``NAME`` (its active version) or ``NAME@vN`` (one version). The manager keeps the
index in the keystore file and asks the key's provider for every operation on material.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

from secplan.crypto.keys.interface import KeyProvider, KeyState, KeyType, KeyVersion
from secplan.crypto.keys.keystore import Keystore, default_keystore_path, version_to_dict
from secplan.crypto.keys.local import LocalProvider
from secplan.crypto.keys.resolver import _NAME, KeyResolver
from secplan.crypto.keys.resolver import PROVIDERS as PROVIDERS  # re-exported: callers import them from here
from secplan.crypto.keys.resolver import parse_ref as parse_ref
from secplan.errors import InputError, IntegrityError
from secplan.store.base import utcnow

AuditSink = Callable[[str, str, dict[str, Any], str], None]
"""``(action, obj, details, outcome)``; details never hold secrets."""


def ledger_sink(root: Path) -> AuditSink:
    """Record key events in the project's audit ledger (the store is opened on the first event)."""
    opened: list[Any] = []

    def sink(action: str, obj: str, details: dict[str, Any], outcome: str) -> None:
        from secplan.ledger import record
        from secplan.store.db import Store

        if not opened:
            opened.append(Store.for_project(root))
        record(opened[0], action=action, obj=obj, details=details, outcome=outcome)

    return sink


class KeyManager(KeyResolver):
    """The keys of one keystore: lookups (``KeyResolver``), and the changes, each audited."""

    def __init__(self, keystore: Keystore, *, audit: AuditSink | None = None,
                 local: LocalProvider | None = None) -> None:
        super().__init__(keystore, local=local)
        self.audit = audit

    @classmethod
    def for_project(cls, root: Path, *, audit: bool = True) -> KeyManager:
        """The project's keystore (or ``$SECPLAN_KEYSTORE``), auditing to the project's ledger."""
        return cls(Keystore(default_keystore_path(root)), audit=ledger_sink(root) if audit else None)

    # -- changes --------------------------------------------------------------------------------------
    def create(self, name: str, key_type: KeyType = KeyType.AES_KEK, provider: str = "local") -> KeyVersion:
        if not _NAME.match(name):
            raise InputError(f"invalid key name {name!r}: 1-64 letters, digits, '.', '_' or '-'")
        prov = self.provider(provider)
        prov.check_type(key_type)
        key = self._new_version(name, key_type, prov, version=1)
        self._event("keys.create", key, {"type": str(key_type), "provider": provider})
        return key

    def rotate(self, name: str) -> tuple[KeyVersion, KeyVersion]:
        """A new active version of ``name``; the previous active one becomes ``retired``."""
        old = self.get(name)
        prov = self.provider_for(old)
        latest = max(k.version for k in self.list() if k.name == old.name)
        new = self._new_version(old.name, old.type, prov, version=latest + 1, retire=old)
        self._event("keys.rotate", new, {"previous": old.id, "provider": new.provider})
        return old, new

    def destroy(self, ref: str) -> list[KeyVersion]:
        """Destroy one version (``NAME@vN``) or every version of a key (``NAME``): crypto-shredding."""
        name, version = parse_ref(ref)
        targets = [k for k in self.list() if k.name == name and (version is None or k.version == version)]
        if not targets:
            self.get(ref)  # raises the precise "no such key/version" error
        destroyed: list[KeyVersion] = []
        for key in targets:
            if key.state is KeyState.DESTROYED:
                continue
            self.provider(key.provider).destroy(key)
            gone = replace(key.with_state(KeyState.DESTROYED, utcnow()),
                           ref={k: v for k, v in key.ref.items() if k != "sealed"})
            self._store_version(gone)
            destroyed.append(gone)
            self._event("keys.destroy", gone, {"provider": key.provider})
        return destroyed

    def export_public(self, ref: str) -> bytes:
        key = self.get(ref)
        return self.provider_for(key).public_key_pem(key)

    # -- data keys for the file format ----------------------------------------------------------------
    def new_data_key(self, ref: str, context_for: Callable[[str], dict[str, str]]) -> tuple[KeyVersion, bytes, bytes]:
        key = self.get(ref)
        if key.type is not KeyType.AES_KEK:
            raise InputError(f"key {key.id} is {key.type}; encryption needs an aes-kek key")
        data_key, wrapped = self.provider_for(key).generate_data_key(key, context_for(key.id))
        return key, data_key, wrapped

    def unwrap(self, kek_id: str, wrapped: bytes, context: dict[str, str]) -> bytes:
        _name, version = parse_ref(kek_id)
        if version is None:
            raise IntegrityError(f"key slot names {kek_id!r}, not a key version: key slot tampered")
        key = self.get(kek_id)
        return self.provider_for(key).unwrap(key, wrapped, context)

    def wrap(self, key: KeyVersion, data_key: bytes, context: dict[str, str]) -> bytes:
        return self.provider_for(key).wrap(key, data_key, context)

    # -- internals ------------------------------------------------------------------------------------
    def _new_version(self, name: str, key_type: KeyType, prov: KeyProvider, *, version: int,
                     retire: KeyVersion | None = None) -> KeyVersion:
        if isinstance(prov, LocalProvider):
            with self.keystore.update() as doc:
                prov.init_kdf(doc)
        with self.keystore.update() as doc:
            entry = doc["keys"].get(name)
            if retire is None and entry is not None:
                raise InputError(f"a key named {name!r} already exists in {self.keystore.path}")
            if retire is not None and (entry is None or max(v["version"] for v in entry["versions"]) >= version):
                raise InputError(f"key {name!r} changed while rotating; run the rotation again")
            key_id = f"{name}@v{version}"
            ref = prov.create(key_id, key_type)
            key = KeyVersion(name, version, key_type, prov.name, utcnow(), KeyState.ACTIVE, None, ref)
            if entry is None:
                entry = doc["keys"][name] = {"type": str(key_type), "provider": prov.name, "versions": []}
            for raw in entry["versions"]:
                if retire is not None and raw["version"] == retire.version and raw["state"] == "active":
                    raw["state"] = str(KeyState.RETIRED)
            entry["versions"].append(version_to_dict(key))
        return key

    def _store_version(self, key: KeyVersion) -> None:
        with self.keystore.update() as doc:
            versions = doc["keys"][key.name]["versions"]
            for i, raw in enumerate(versions):
                if raw["version"] == key.version:
                    versions[i] = version_to_dict(key)

    def _event(self, action: str, key: KeyVersion, details: dict[str, Any], outcome: str = "success") -> None:
        self.record_event(action, f"key:{key.id}", details, outcome)

    def record_event(self, action: str, obj: str, details: dict[str, Any], outcome: str = "success") -> None:
        """Send an event (key use: encrypt, decrypt, rewrap) to the audit sink, if one is wired."""
        if self.audit is not None:
            self.audit(action, obj, details, outcome)
