"""The ledger's Ed25519 key and its signed checkpoints, both kept outside the database.

Someone who can write the database but not this folder can rewrite entries and recompute every
hash, yet cannot sign a checkpoint for the result; and the newest checkpoint is mirrored into a file
beside the key, so deleting the last entries *and* their checkpoint rows is still caught.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import stat
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from secplan.errors import InputError, IntegrityError

KEY_ENV = "SECPLAN_LEDGER_KEY"
KEY_FILENAME = "signing.key"
_CONTEXT = b"secplan-ledger-checkpoint/v1\n"


@dataclass(frozen=True, slots=True)
class Checkpoint:
    """A signed tree head: the ledger had ``tree_size`` entries with this ``root_hash`` at ``timestamp``."""

    tree_size: int
    root_hash: str
    timestamp: str
    key_id: str
    signature: str

    def message(self) -> bytes:
        return signed_message(self.tree_size, self.root_hash, self.timestamp)

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def signed_message(tree_size: int, root_hash: str, timestamp: str) -> bytes:
    """What the key signs: a domain-separation line, then size, root and time, one per line."""
    return _CONTEXT + f"{tree_size}\n{root_hash}\n{timestamp}\n".encode("ascii")


def key_id(public: Ed25519PublicKey) -> str:
    """First 16 hex digits of SHA-256 over the raw public key: names the key in checkpoints."""
    raw = public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return hashlib.sha256(raw).hexdigest()[:16]


def public_hex(public: Ed25519PublicKey) -> str:
    return public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw).hex()


@dataclass(frozen=True, slots=True)
class LedgerFiles:
    """Where one ledger's key, checkpoint mirror and mirror lock live."""

    key: Path

    @classmethod
    def for_home(cls, home: Path) -> LedgerFiles:
        override = os.environ.get(KEY_ENV)
        return cls(Path(override).expanduser() if override else home / "ledger" / KEY_FILENAME)

    @property
    def mirror(self) -> Path:
        return self.key.with_name(self.key.name + ".checkpoint.json")

    @property
    def lock(self) -> Path:
        return self.key.with_name(self.key.name + ".lock")


def load_key(files: LedgerFiles) -> Ed25519PrivateKey | None:
    """The signing key, or None when the file does not exist. Refuses a key others can read."""
    try:
        mode = files.key.stat().st_mode
    except FileNotFoundError:
        return None
    if mode & (stat.S_IRWXG | stat.S_IRWXO):
        raise InputError(
            f"ledger signing key {files.key} is accessible to other users (mode {stat.S_IMODE(mode):o})",
            hint=f"chmod 600 {files.key}",
        )
    try:
        key = serialization.load_pem_private_key(files.key.read_bytes(), password=None)
    except (ValueError, TypeError):
        raise InputError(f"ledger signing key {files.key} is not a PEM Ed25519 private key") from None
    if not isinstance(key, Ed25519PrivateKey):
        raise InputError(f"ledger signing key {files.key} is not an Ed25519 key")
    return key


def create_key(files: LedgerFiles) -> Ed25519PrivateKey:
    """Create the key (mode 0600) unless another process just did; either way return the one on disk."""
    files.key.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    pem = Ed25519PrivateKey.generate().private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    tmp = files.key.with_name(f".{files.key.name}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(pem)
            handle.flush()
            os.fsync(handle.fileno())
        with contextlib.suppress(FileExistsError):
            os.link(tmp, files.key)  # atomic and exclusive: the first process to get here wins
    finally:
        os.unlink(tmp)
    key = load_key(files)
    if key is None:
        raise IntegrityError(f"ledger signing key {files.key} vanished while it was being created")
    return key


def sign(key: Ed25519PrivateKey, tree_size: int, root_hash: str, timestamp: str) -> Checkpoint:
    signature = key.sign(signed_message(tree_size, root_hash, timestamp)).hex()
    return Checkpoint(tree_size, root_hash, timestamp, key_id(key.public_key()), signature)


def signature_ok(public: Ed25519PublicKey, checkpoint: Checkpoint) -> bool:
    if checkpoint.key_id != key_id(public):
        return False
    try:
        public.verify(bytes.fromhex(checkpoint.signature), checkpoint.message())
    except (InvalidSignature, ValueError):
        return False
    return True


def read_mirror(files: LedgerFiles) -> Checkpoint | None:
    """The checkpoint mirrored beside the key, or None if there is none yet."""
    try:
        raw = files.mirror.read_text(encoding="utf-8")
        if not raw:  # left by a crash between create and write: as good as no mirror
            return None
        data = json.loads(raw)
        return Checkpoint(
            tree_size=int(data["tree_size"]),
            root_hash=str(data["root_hash"]),
            timestamp=str(data["timestamp"]),
            key_id=str(data["key_id"]),
            signature=str(data["signature"]),
        )
    except FileNotFoundError:
        return None
    except (ValueError, KeyError, TypeError):
        raise IntegrityError(f"ledger checkpoint file {files.mirror} is unreadable or malformed") from None


@contextlib.contextmanager
def _locked(files: LedgerFiles) -> Iterator[None]:
    files.lock.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    fd = os.open(files.lock, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing releases the lock


def mirror_if_newer(files: LedgerFiles, checkpoint: Checkpoint) -> None:
    """Replace the mirrored checkpoint if ``checkpoint`` is larger.

    Called after the append committed, so the file never runs ahead of the database; the size
    comparison (under a file lock) keeps a slow writer from replacing a newer checkpoint.
    """
    with _locked(files):
        current = read_mirror(files)
        if current is None or checkpoint.tree_size > current.tree_size:
            _replace_file(files.mirror, json.dumps(checkpoint.to_json(), indent=2) + "\n")


def _replace_file(path: Path, content: str) -> None:
    """Temp file + rename, like ``secplan.fsutil``, but without fsync: it ran at every append and cost
    more than the append itself. A crash may leave the previous checkpoint (a lagging mirror is
    expected and harmless) or an empty file, which ``read_mirror`` treats as no mirror."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(content)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
