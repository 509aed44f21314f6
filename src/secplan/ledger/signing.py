"""The ledger's signing key and its signed checkpoints; the key and the newest checkpoint live outside the database.

Someone who can write the database but not the key can rewrite entries and recompute every hash,
yet cannot sign a checkpoint for the result; and the newest checkpoint is mirrored into a file
beside the key, so deleting the last entries *and* their checkpoint rows is still caught.

The key is a :class:`~secplan.crypto.keys.signer.Signer`: by default an unattended Ed25519 key file
(``FileSigner``), or a keystore key (local, PKCS#11, AWS KMS) named by ``SECPLAN_LEDGER_SIGNING_KEY``.
Checkpoints are C2SP signed notes (``note.py``); those signed before notes existed carry the v1
signature over ``signed_message`` and still verify.
"""

from __future__ import annotations

import contextlib
import fcntl
import functools
import hashlib
import json
import os
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from secplan.crypto.keys.interface import KeyType
from secplan.crypto.keys.signer import FileSigner, ManagedSigner, PublicKey, Signer
from secplan.errors import InputError, IntegrityError
from secplan.ledger import note

KEY_ENV = "SECPLAN_LEDGER_KEY"
"""Path of the ledger's key file (default ``.secplan/ledger/signing.key``); the checkpoint file sits beside it."""
MANAGED_KEY_ENV = "SECPLAN_LEDGER_SIGNING_KEY"
"""A keystore key reference (``NAME@vN``) to sign checkpoints with instead of the key file."""
KEY_FILENAME = "signing.key"
_CONTEXT = b"secplan-ledger-checkpoint/v1\n"


@dataclass(frozen=True, slots=True)
class Checkpoint:
    """A signed tree head: the ledger had ``tree_size`` entries with this ``root_hash`` at ``timestamp``.

    ``note`` is the C2SP signed note (checkpoints since notes exist; ``key_id`` is then the note's
    4-byte key id in hex and ``timestamp`` is not signed); None for a v1 checkpoint, whose signature
    covers ``signed_message`` (size, root and time)."""

    tree_size: int
    root_hash: str
    timestamp: str
    key_id: str
    signature: str
    note: str | None = None

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        if self.note is None:
            del data["note"]
        return data


def signed_message(tree_size: int, root_hash: str, timestamp: str) -> bytes:
    """What a v1 checkpoint's key signed: a domain-separation line, then size, root and time."""
    return _CONTEXT + f"{tree_size}\n{root_hash}\n{timestamp}\n".encode("ascii")


def key_id(public: PublicKey) -> str:
    """First 16 hex digits of SHA-256 over the raw public key: names the key in v1 checkpoints and exports."""
    return hashlib.sha256(public.raw).hexdigest()[:16]


def public_hex(public: PublicKey) -> str:
    return public.raw.hex()


@dataclass(frozen=True, slots=True)
class LedgerFiles:
    """Where one ledger's key, checkpoint mirror and mirror lock live, and the checkout they belong to."""

    key: Path
    root: Path | None = None
    mirror: Path = field(init=False, compare=False)
    """The newest checkpoint, beside the key."""
    lock: Path = field(init=False, compare=False)
    """Serialises writers (and readers) of the mirror."""

    def __post_init__(self) -> None:  # computed once: every append uses them
        object.__setattr__(self, "mirror", self.key.with_name(self.key.name + ".checkpoint.json"))
        object.__setattr__(self, "lock", self.key.with_name(self.key.name + ".lock"))

    @classmethod
    def for_home(cls, home: Path) -> LedgerFiles:
        override = os.environ.get(KEY_ENV)
        key = Path(override).expanduser() if override else home / "ledger" / KEY_FILENAME
        return cls(key, home.parent)


def load_signer(files: LedgerFiles, *, create: bool = False) -> Signer | None:
    """The ledger's signer: the configured keystore key, else the key file (created when ``create``
    and absent; None when absent and not ``create``). A key file others can read is refused."""
    ref = os.environ.get(MANAGED_KEY_ENV)
    if ref:
        from secplan.crypto.keys.resolver import KeyResolver

        if files.root is None:
            raise InputError(f"{MANAGED_KEY_ENV} needs a project folder to find the keystore")
        signer: Signer = ManagedSigner(KeyResolver.for_root(files.root), ref)
        if signer.public_key.type is not KeyType.ED25519:
            raise InputError(f"ledger signing key {ref} is {signer.public_key.type}: checkpoints need an ed25519 key")
        return signer
    if create:
        return FileSigner(files.key)
    return FileSigner.existing(files.key)


def sign(signer: Signer, origin: str, tree_size: int, root_hash: str, timestamp: str) -> Checkpoint:
    """A checkpoint as a signed note for the tree of ``tree_size`` leaves with root ``root_hash``."""
    body = note.CheckpointBody(origin, tree_size, bytes.fromhex(root_hash))
    text, signature = note.sign_checkpoint(body, signer)
    return Checkpoint(tree_size, root_hash, timestamp, note.key_id(origin, signer.public_key).hex(),
                      signature.hex(), text)


def signature_ok(public: PublicKey, checkpoint: Checkpoint) -> bool:
    """True when ``public`` signed this checkpoint's size and root (as a note, or in the v1 format)."""
    return signature_problem(public, checkpoint) is None


def signature_problem(public: PublicKey, checkpoint: Checkpoint) -> str | None:
    """What does not match when ``public`` did not sign this checkpoint (None when it did): the
    message names the field, so that an edited checkpoint is told apart from a truncated ledger."""
    if checkpoint.note is not None:
        opened = note.open_checkpoint(checkpoint.note, public)
        if opened is None:
            return "its signed note does not verify with the ledger's key (the note or its signature was edited)"
        body, signature = opened
        if body.tree_size != checkpoint.tree_size:
            return f"its tree_size field says {checkpoint.tree_size} but its signed note says {body.tree_size}"
        if body.root.hex() != checkpoint.root_hash:
            return "its root_hash field differs from the root in its signed note"
        if signature.hex() != checkpoint.signature:
            return "its signature field differs from the signature in its note"
        if checkpoint.key_id != note.key_id(body.origin, public).hex():
            return f"it names key {checkpoint.key_id}, not the ledger key's id {note.key_id(body.origin, public).hex()}"
        return None
    if len(checkpoint.key_id) == 8:  # a note key id: the note itself is gone
        return "its signed note is missing"
    if checkpoint.key_id != key_id(public):
        return f"it names key {checkpoint.key_id}, not the ledger key's id {key_id(public)}"
    try:
        signature = bytes.fromhex(checkpoint.signature)
    except ValueError:
        return "its signature is not hexadecimal"
    if not public.verify(signature, signed_message(checkpoint.tree_size, checkpoint.root_hash, checkpoint.timestamp)):
        return "its signature does not verify over its size, root and time (one of them was edited)"
    return None


def origin_of(checkpoint: Checkpoint | None) -> str | None:
    """The origin line of a note checkpoint (None for none or a v1 one): a ledger keeps its origin."""
    if checkpoint is None or checkpoint.note is None:
        return None
    return checkpoint.note.split("\n", 1)[0]


def read_mirror(files: LedgerFiles) -> Checkpoint | None:
    """The checkpoint mirrored beside the key, or None if there is none yet (or it is empty)."""
    try:
        with _locked(files, shared=True, create=False):
            raw = files.mirror.read_bytes()
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise IntegrityError(f"ledger checkpoint file {files.mirror} cannot be read: {exc.strerror or exc}") from None
    return _parse_mirror(files.mirror, raw)


@functools.lru_cache(maxsize=16)
def _parse_mirror(path: Path, raw: bytes) -> Checkpoint | None:
    """Parsed once per distinct content: every append reads the file, and it rarely changes between two."""
    if not raw.strip():  # left by a crash between create and write: as good as no mirror
        return None
    try:
        data = json.loads(raw.decode("utf-8"))
    except (ValueError, RecursionError):
        raise IntegrityError(f"ledger checkpoint file {path} is not JSON") from None
    problem = _mirror_shape_problem(data)
    if problem:
        raise IntegrityError(f"ledger checkpoint file {path}: {problem}")
    return Checkpoint(data["tree_size"], data["root_hash"], data["timestamp"], data["key_id"], data["signature"],
                      data.get("note"))


def _mirror_shape_problem(data: Any) -> str | None:
    if not isinstance(data, dict):
        return f"expected a JSON object, found {type(data).__name__}"
    size = data.get("tree_size")
    if type(size) is not int or size < 1:
        return f"tree_size must be a whole number of at least 1, not {size!r}"
    for name in ("root_hash", "timestamp", "key_id", "signature"):
        if not isinstance(data.get(name), str):
            return f"{name} must be a string, not {data.get(name)!r}"
    if not _is_hex(data["root_hash"], 64):
        return "root_hash must be 64 hexadecimal digits"
    if data.get("note") is not None and not isinstance(data["note"], str):
        return "note must be a string"
    return None


def _is_hex(value: str, length: int) -> bool:
    return len(value) == length and all(c in "0123456789abcdef" for c in value)


@contextlib.contextmanager
def _locked(files: LedgerFiles, *, shared: bool = False, create: bool = True) -> Iterator[None]:
    """The mirror's lock: exclusive to write it, shared to read it (no torn read of a rewrite). A reader
    that finds no lock file reads unlocked: nothing has written the mirror through this lock yet."""
    if create:
        files.lock.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    try:
        fd = os.open(files.lock, (os.O_RDWR | os.O_CREAT) if create else os.O_RDONLY, 0o600)
    except FileNotFoundError:
        yield
        return
    try:
        fcntl.flock(fd, fcntl.LOCK_SH if shared else fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing releases the lock


def mirror_if_newer(files: LedgerFiles, checkpoint: Checkpoint,
                    known: tuple[bytes, int] | None = None) -> tuple[bytes, int] | None:
    """Rewrite the mirrored checkpoint if ``checkpoint`` is larger; returns the file's bytes and size after.

    Called after the append committed, so the file never runs ahead of the database; the size
    comparison (under a file lock) keeps a slow writer from replacing a newer checkpoint.
    ``known``: what this call returned last time; a file still holding those bytes is not parsed again.
    """
    with _locked(files):
        try:
            raw: bytes | None = files.mirror.read_bytes()
        except FileNotFoundError:
            raw = None
        if raw is not None and known is not None and raw == known[0]:
            size: int | None = known[1]
        else:
            current = None if raw is None else _parse_mirror(files.mirror, raw)
            size = None if current is None else current.tree_size
        if size is None or checkpoint.tree_size > size:
            raw, size = _overwrite(files.mirror, json.dumps(checkpoint.to_json(), indent=2) + "\n"), checkpoint.tree_size
        return None if raw is None or size is None else (raw, size)


_BLOCK = 4096


def _overwrite(path: Path, content: str) -> bytes:
    """Write ``content`` over the file in place, padded with spaces to whole 4 KiB blocks.

    Not temp file + rename: on ext4 a rename over an existing file flushes it (auto_da_alloc),
    which cost 2 to 3 ms per append, more than the append itself. One write of one block is not
    torn by a killed process, and storage writes a block whole (the "powersafe overwrite" SQLite
    also assumes). A crash before the first write leaves an empty file, read as no mirror; a
    mirror that lags the database is expected and harmless (it only has to catch truncation)."""
    data = content.encode("utf-8")
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        length = max(-(-len(data) // _BLOCK) * _BLOCK, os.fstat(fd).st_size)
        data = data.ljust(length, b" ")  # old bytes past the new text become spaces
        os.pwrite(fd, data, 0)
    finally:
        os.close(fd)
    return data
