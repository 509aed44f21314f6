"""Share packages: a tar of ``manifest.json``, ``manifest.sig`` and ``payload.age``.

The payload is the file encrypted with age (pyrage) to the recipient's X25519 key; the manifest is
signed with the sender's Ed25519 key from the key manager. Opening checks the package's shape, the
signature, the expiry, the payload digest and the recipient *before* decrypting, and the plaintext
digest before the output appears (it is decrypted into a temporary file renamed into place).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import tarfile
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from secplan.crypto.keys.interface import KeyType
from secplan.crypto.keys.manager import KeyManager
from secplan.crypto.keys.signer import ManagedSigner
from secplan.data.share.keys import load_identity
from secplan.data.share.manifest import SIGNING_DOMAIN, Manifest, load_ed25519_public, verify_signature
from secplan.errors import InputError, IntegrityError
from secplan.fsutil import atomic_writer
from secplan.store.base import utcnow

MANIFEST, SIGNATURE, PAYLOAD = "manifest.json", "manifest.sig", "payload.age"
MEMBERS = (MANIFEST, SIGNATURE, PAYLOAD)
_MAX_MANIFEST = 1024 * 1024
_BLOCK = 1024 * 1024


class _Hashing:
    """A file-like that hashes what passes through it (pyrage calls ``read``/``write``)."""

    def __init__(self, inner: IO[bytes]) -> None:
        self.inner = inner
        self.digest = hashlib.sha256()
        self.count = 0

    def read(self, n: int = -1) -> bytes:
        data = self.inner.read(n)
        self.digest.update(data)
        self.count += len(data)
        return data

    def write(self, data: bytes) -> int:
        self.digest.update(data)
        self.count += len(data)
        return self.inner.write(data)

    def flush(self) -> None:
        self.inner.flush()


@dataclass(frozen=True)
class Opened:
    manifest: Manifest
    output: Path
    sender_verified: bool
    """True when the signature was checked against a sender key the caller supplied."""


def signing_key(keys: KeyManager, ref: str) -> ManagedSigner:
    """The signer of share manifests: an ed25519 managed key (recipients verify with its PEM)."""
    key = keys.get(ref)
    if key.type is not KeyType.ED25519:
        raise InputError(f"key {key.id} is {key.type}; share manifests are signed with an ed25519 key")
    return ManagedSigner(keys, key.id)


def create_package(src: Path, out: Path, *, recipient: str, expires: dt.date, agreement: str | None,
                   sender: str, signer: ManagedSigner) -> Manifest:
    """Encrypt ``src`` to ``recipient`` and write the signed package to ``out`` atomically.

    The payload is encrypted straight into the package (its tar header, which needs the size, is
    written last into the block reserved for it), so the ciphertext is written once.
    """
    import pyrage
    from pyrage import x25519 as age_x25519

    if not src.is_file():
        raise InputError(f"{src}: not a file (share one file; archive a folder first)")
    if out.exists():
        raise InputError(f"{out}: already exists (choose another -o, or remove it)")
    age_recipient = age_x25519.Recipient.from_str(recipient)
    public_pem = signer.public_key.pem().decode("ascii")
    with atomic_writer(out, "wb", perms=0o600) as handle, open(src, "rb") as source:
        handle.write(bytes(tarfile.BLOCKSIZE))  # the payload's header, once its size is known
        plain, cipher = _Hashing(source), _Hashing(handle)
        pyrage.encrypt_io(plain, cipher, [age_recipient])
        handle.write(bytes(-cipher.count % tarfile.BLOCKSIZE))
        manifest = Manifest(id=str(uuid.uuid4()), file=src.name, size=plain.count,
                            sha256=plain.digest.hexdigest(), payload_sha256=cipher.digest.hexdigest(),
                            recipient=recipient, expires=expires, agreement=agreement, sender=sender,
                            created=utcnow().replace(microsecond=0), signing_key=signer.key_ref,
                            signing_public_key=public_pem)
        body = manifest.to_bytes()
        signature = signer.sign(SIGNING_DOMAIN + body)
        for name, data in ((MANIFEST, body), (SIGNATURE, signature)):
            handle.write(_header(name, len(data)) + data + bytes(-len(data) % tarfile.BLOCKSIZE))
        handle.write(bytes(2 * tarfile.BLOCKSIZE))  # end of archive
        handle.seek(0)
        handle.write(_header(PAYLOAD, cipher.count))
        handle.seek(0, io.SEEK_END)
    return manifest


def _header(name: str, size: int) -> bytes:
    """A one-block tar header (GNU format: sizes past 8 GiB are encoded in base 256)."""
    info = tarfile.TarInfo(name)
    info.size = size
    info.mode = 0o600
    info.mtime = int(utcnow().timestamp())
    return info.tobuf(format=tarfile.GNU_FORMAT)


def read_manifest(package: Path) -> tuple[Manifest, bytes, bytes]:
    """The manifest, its bytes and the signature; checks the package holds exactly the three members."""
    with _open_tar(package) as tar:
        members = _members(tar, package)
        body = _read_member(tar, members[MANIFEST], _MAX_MANIFEST, package)
        signature = _read_member(tar, members[SIGNATURE], 64, package)
    return Manifest.from_bytes(body, str(package)), body, signature


def open_package(package: Path, identity_file: Path, out: Path | None, *, today: dt.date,
                 sender_key_pem: bytes | None = None, replace: bool = False) -> Opened:
    """Verify then decrypt; the output appears only when every check passed."""
    import pyrage

    manifest, body, signature = read_manifest(package)
    trusted = sender_key_pem is not None
    sender_key = load_ed25519_public(sender_key_pem if trusted else manifest.signing_public_key,
                                     "--sender-key" if trusted else f"{package}: signing_public_key")
    verify_signature(body, signature, sender_key, str(package))
    if manifest.expires < today:
        raise InputError(f"{package}: the share expired on {manifest.expires} (today is {today}); "
                         "ask the sender for a new one")
    identity, own_recipient = load_identity(identity_file)
    if own_recipient != manifest.recipient:
        raise InputError(f"{package}: the package is for {manifest.recipient}, not for the identity in "
                         f"{identity_file} ({own_recipient})")
    target = out if out is not None else Path(manifest.file)
    if target.name in ("", ".", "..") or (out is None and Path(manifest.file).name != manifest.file):
        raise InputError(f"{package}: manifest file name {manifest.file!r} is not a plain name; pass -o")
    if target.exists() and not replace:
        raise InputError(f"{target}: already exists (choose another -o, or remove it)")
    with _open_tar(package) as tar:
        member = _members(tar, package)[PAYLOAD]
    with open(package, "rb", buffering=0) as raw:
        if _region_digest(raw, member) != manifest.payload_sha256:
            raise IntegrityError(f"{package}: payload.age does not match the signed digest: payload tampered")
        with atomic_writer(target, "wb", perms=0o600) as handle:
            plain = _Hashing(handle)
            try:
                pyrage.decrypt_io(_Region(raw, member.offset_data, member.size), plain, [identity])
            except Exception:  # pyrage gives no more detail than this
                raise IntegrityError(f"{package}: payload does not decrypt with this identity "
                                     "(wrong key or damaged payload)") from None
            if plain.digest.hexdigest() != manifest.sha256 or plain.count != manifest.size:
                raise IntegrityError(f"{package}: decrypted data does not match the signed digest")
    return Opened(manifest, target, trusted)


class _Region:
    """Reads one member's bytes straight from the package file (fewer layers than tarfile's reader)."""

    def __init__(self, raw: IO[bytes], offset: int, size: int) -> None:
        self.raw, self.left = raw, size
        raw.seek(offset)

    def read(self, n: int = -1) -> bytes:
        n = self.left if n is None or n < 0 else min(n, self.left)
        data = self.raw.read(n) if n else b""
        self.left -= len(data)
        return data


def _region_digest(raw: IO[bytes], member: tarfile.TarInfo) -> str:
    digest = hashlib.sha256()
    region = _Region(raw, member.offset_data, member.size)
    for block in iter(lambda: region.read(_BLOCK), b""):
        digest.update(block)
    if region.left:
        raise IntegrityError(f"{raw.name}: payload.age is truncated")
    return digest.hexdigest()


def _open_tar(package: Path) -> tarfile.TarFile:
    try:
        return tarfile.open(package, mode="r:")
    except FileNotFoundError:
        raise InputError(f"{package}: no such file") from None
    except (tarfile.TarError, OSError):
        raise InputError(f"{package}: not a share package (not a tar archive)") from None


def _members(tar: tarfile.TarFile, package: Path) -> dict[str, tarfile.TarInfo]:
    try:
        members = tar.getmembers()
    except tarfile.TarError:
        raise IntegrityError(f"{package}: the tar archive is damaged or truncated") from None
    names = [m.name for m in members]
    if sorted(names) != sorted(MEMBERS):
        raise InputError(f"{package}: a share package holds exactly {', '.join(MEMBERS)}; found "
                         f"{', '.join(names) or 'nothing'}")
    for m in members:
        if not m.isreg():
            raise InputError(f"{package}: {m.name} is not a regular file")
    return {m.name: m for m in members}


def _read_member(tar: tarfile.TarFile, member: tarfile.TarInfo, limit: int, package: Path) -> bytes:
    if member.size > limit:
        raise InputError(f"{package}: {member.name} is {member.size} bytes (limit {limit})")
    stream = tar.extractfile(member)
    assert stream is not None
    data = stream.read()
    if len(data) != member.size:
        raise IntegrityError(f"{package}: {member.name} is truncated")
    return data
