"""The key-provider interface: the one contract local keystores, PKCS#11 HSMs and cloud KMS implement.

Part of secplan's stable API (backups, retention and sharing build on it). A provider stores and uses
key material; it never returns a secret key-encryption key or private key. What it may hand back:
data keys it wraps or unwraps for a caller, public keys, signatures and shared secrets.
"""

from __future__ import annotations

import datetime as dt
from abc import ABC, abstractmethod
from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import Any, ClassVar

from secplan.errors import InputError


class KeyType(StrEnum):
    """What a key is for."""

    AES_KEK = "aes-kek"
    """AES-256 key-encryption key: wraps the data keys of encrypted files."""
    X25519 = "x25519"
    """Identity key for receiving encrypted shares (key agreement)."""
    ECDSA_P256 = "ecdsa-p256"
    """Signing key (model registry manifests; attestations in an HSM or KMS)."""
    ED25519 = "ed25519"
    """Signing key (share manifests, attestations)."""

    @property
    def asymmetric(self) -> bool:
        return self is not KeyType.AES_KEK


class KeyState(StrEnum):
    ACTIVE = "active"
    """The version new encryptions and signatures use."""
    RETIRED = "retired"
    """Superseded by rotation; still unwraps files that were not re-wrapped yet."""
    DESTROYED = "destroyed"
    """Material erased: whatever it protected is unrecoverable (crypto-shredded)."""


@dataclass(frozen=True)
class KeyVersion:
    """One version of a named key: metadata only, never secret material in clear."""

    name: str
    version: int
    type: KeyType
    provider: str
    created: dt.datetime
    state: KeyState = KeyState.ACTIVE
    destroyed_at: dt.datetime | None = None
    ref: dict[str, Any] = field(default_factory=dict)
    """The provider's locator (token label, KMS key ARN, sealed material for ``local``)."""

    @property
    def id(self) -> str:
        """``name@vN``: the KEK id written into key slots and the ledger."""
        return f"{self.name}@v{self.version}"

    def with_state(self, state: KeyState, when: dt.datetime | None = None) -> KeyVersion:
        return replace(self, state=state, destroyed_at=when if state is KeyState.DESTROYED else self.destroyed_at)

    def public_view(self) -> dict[str, Any]:
        """What ``keys list/show`` and the ``keys`` collector may show: no sealed material."""
        return {
            "id": self.id, "name": self.name, "version": self.version, "type": str(self.type),
            "provider": self.provider, "state": str(self.state), "created": self.created.isoformat(),
            "destroyed_at": self.destroyed_at.isoformat() if self.destroyed_at else None,
            "locator": {k: v for k, v in self.ref.items() if not k.startswith("sealed")},
        }


class KeyProvider(ABC):
    """Creates and uses keys that stay inside it. ``context`` binds a wrapped key to where it is used
    (file id and KEK id): unwrapping with another context fails, as with a KMS encryption context."""

    name: ClassVar[str]
    types: ClassVar[frozenset[KeyType]]

    @abstractmethod
    def create(self, key_id: str, key_type: KeyType) -> dict[str, Any]:
        """Create key ``key_id`` (``name@vN``) and return its locator, stored in the keystore index."""

    @abstractmethod
    def wrap(self, key: KeyVersion, data_key: bytes, context: dict[str, str]) -> bytes:
        """Encrypt a data key under ``key`` (an ``aes-kek``)."""

    @abstractmethod
    def unwrap(self, key: KeyVersion, wrapped: bytes, context: dict[str, str]) -> bytes:
        """Recover a data key; :class:`~secplan.errors.IntegrityError` when key or context do not match."""

    def generate_data_key(self, key: KeyVersion, context: dict[str, str]) -> tuple[bytes, bytes]:
        """A fresh 256-bit data key and its wrapped form (KMS providers generate it server-side)."""
        import os

        data_key = os.urandom(32)
        return data_key, self.wrap(key, data_key, context)

    @abstractmethod
    def destroy(self, key: KeyVersion) -> None:
        """Erase the key's material for good."""

    def public_key_pem(self, key: KeyVersion) -> bytes:
        """The public half of an asymmetric key (SubjectPublicKeyInfo PEM)."""
        raise InputError(f"key {key.id} is {key.type}: it has no public key to export")

    def sign(self, key: KeyVersion, data: bytes) -> bytes:
        """Sign ``data`` (ECDSA P-256 with SHA-256, DER signature; or Ed25519)."""
        raise InputError(f"provider {self.name} cannot sign with {key.type} key {key.id}")

    def exchange(self, key: KeyVersion, peer_public: bytes) -> bytes:
        """X25519 shared secret with a raw 32-byte peer public key."""
        raise InputError(f"provider {self.name} cannot do key agreement with {key.type} key {key.id}")

    def check_type(self, key_type: KeyType) -> None:
        if key_type not in self.types:
            allowed = ", ".join(sorted(self.types))
            raise InputError(f"provider {self.name} does not support {key_type} keys (it supports: {allowed})")
