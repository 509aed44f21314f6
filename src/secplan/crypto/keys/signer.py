"""Signing keys for secplan's own records: ledger checkpoints, attestations, share manifests.

Callers get a :class:`Signer` and a :class:`PublicKey` and never see a private key or a
``cryptography`` object, so the same code signs with a key file on a laptop and with a key inside an
HSM or a KMS on a team server. Two kinds of signer exist:

* :class:`ManagedSigner`: a key of the keystore (``local``, ``pkcs11``, ``aws-kms``), addressed by
  its reference ``NAME`` or ``NAME@vN``; every signature is made by the key's provider.
* :class:`FileSigner`: an *unattended* Ed25519 key in a 0600 file under the store's private folder,
  created on first use, for records that every command writes (the ledger) and that must not ask for
  a passphrase. It is the default; a team points the purpose at a managed key instead.
"""

from __future__ import annotations

import contextlib
import os
import stat
from abc import ABC, abstractmethod
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519

from secplan.crypto.keys.interface import KeyType
from secplan.errors import InputError, IntegrityError

SIGNING_TYPES = (KeyType.ED25519, KeyType.ECDSA_P256)


@dataclass(frozen=True)
class PublicKey:
    """A public signing key. ``raw`` is the 32-byte Ed25519 key, or the uncompressed SEC1 point for
    ECDSA P-256; both forms are what the C2SP and Sigstore formats put on the wire."""

    type: KeyType
    raw: bytes

    @classmethod
    def from_pem(cls, pem: bytes, source: str = "public key") -> PublicKey:
        try:
            key = serialization.load_pem_public_key(pem)
        except (ValueError, TypeError, UnsupportedAlgorithm):
            raise InputError(f"{source}: not a PEM public key") from None
        if isinstance(key, ed25519.Ed25519PublicKey):
            return cls(KeyType.ED25519, key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw))
        if isinstance(key, ec.EllipticCurvePublicKey) and isinstance(key.curve, ec.SECP256R1):
            point = key.public_bytes(serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)
            return cls(KeyType.ECDSA_P256, point)
        raise InputError(f"{source}: not an Ed25519 or ECDSA P-256 public key")

    def pem(self) -> bytes:
        return self._key().public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)

    def verify(self, signature: bytes, data: bytes) -> bool:
        """True when ``signature`` is this key's signature over ``data`` (ECDSA: DER, SHA-256)."""
        try:
            key = self._key()
            if isinstance(key, ed25519.Ed25519PublicKey):
                key.verify(signature, data)
            else:
                key.verify(signature, data, ec.ECDSA(hashes.SHA256()))
        except (InvalidSignature, ValueError, TypeError):
            return False
        return True

    def _key(self) -> ed25519.Ed25519PublicKey | ec.EllipticCurvePublicKey:
        try:
            if self.type is KeyType.ED25519:
                return ed25519.Ed25519PublicKey.from_public_bytes(self.raw)
            if self.type is KeyType.ECDSA_P256:
                return ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), self.raw)
        except ValueError:
            raise InputError(f"not a valid {self.type} public key ({len(self.raw)} bytes)") from None
        raise InputError(f"{self.type} keys do not sign")


class Signer(ABC):
    """Signs bytes with a key it never hands out."""

    key_ref: str
    """What the key is, as the user configured it: ``NAME@vN`` (managed) or ``file:PATH``."""

    @property
    @abstractmethod
    def public_key(self) -> PublicKey: ...

    @abstractmethod
    def sign(self, data: bytes) -> bytes:
        """The signature over ``data``: 64 bytes (Ed25519) or DER (ECDSA P-256 with SHA-256)."""


class ManagedSigner(Signer):
    """A keystore key; the provider (keystore, token or KMS) makes every signature."""

    def __init__(self, manager, ref: str) -> None:  # manager: secplan.crypto.keys.manager.KeyManager
        self._manager = manager
        key = manager.get(ref)
        if key.type not in SIGNING_TYPES:
            raise InputError(f"key {key.id} is {key.type}: signing needs an ed25519 or ecdsa-p256 key")
        self._key = key
        self.key_ref = key.id
        self._public = PublicKey.from_pem(manager.provider_for(key).public_key_pem(key), f"key {key.id}")

    @property
    def public_key(self) -> PublicKey:
        return self._public

    def sign(self, data: bytes) -> bytes:
        return self._manager.provider_for(self._key).sign(self._key, data)


class FileSigner(Signer):
    """An Ed25519 key in a private file (PKCS#8 PEM, mode 0600), created on first use.

    Creation is exclusive (a hard link of a finished temporary file), so concurrent processes that
    race to create it all end up with the one key on disk. A key readable by others is refused.
    """

    def __init__(self, path: Path, *, create: bool = True) -> None:
        self.path = path
        self.key_ref = f"file:{path}"
        private = _load_file_key(path)
        if private is None:
            if not create:
                raise InputError(f"signing key {path} does not exist")
            private = _create_file_key(path)
        self._private = private
        raw = private.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
        self._public = PublicKey(KeyType.ED25519, raw)

    @classmethod
    def existing(cls, path: Path) -> FileSigner | None:
        """The key at ``path``, or None when there is none yet (nothing is created)."""
        return cls(path, create=False) if path.exists() else None

    @property
    def public_key(self) -> PublicKey:
        return self._public

    def sign(self, data: bytes) -> bytes:
        return self._private.sign(data)


def _load_file_key(path: Path) -> ed25519.Ed25519PrivateKey | None:
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        return None
    if mode & (stat.S_IRWXG | stat.S_IRWXO):
        raise InputError(f"signing key {path} is accessible to other users (mode {stat.S_IMODE(mode):o})",
                         hint=f"chmod 600 {path}")
    data = path.read_bytes()
    if len(data) == 32 and not data.startswith(b"-----"):  # raw private bytes (attestation keys before PEM)
        return ed25519.Ed25519PrivateKey.from_private_bytes(data)
    try:
        key = serialization.load_pem_private_key(data, password=None)
    except (ValueError, TypeError, UnsupportedAlgorithm):
        raise InputError(f"signing key {path} is not a PEM Ed25519 private key") from None
    if not isinstance(key, ed25519.Ed25519PrivateKey):
        raise InputError(f"signing key {path} is not an Ed25519 key")
    return key


def _create_file_key(path: Path) -> ed25519.Ed25519PrivateKey:
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    pem = ed25519.Ed25519PrivateKey.generate().private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(pem)
            handle.flush()
            os.fsync(handle.fileno())
        with contextlib.suppress(FileExistsError):
            os.link(tmp, path)  # atomic and exclusive: the first process to get here wins
    finally:
        os.unlink(tmp)
    key = _load_file_key(path)
    if key is None:
        raise IntegrityError(f"signing key {path} vanished while it was being created")
    return key
