"""Checkpoints as C2SP signed notes (c2sp.org/tlog-checkpoint, c2sp.org/signed-note), Ed25519 only.

A checkpoint note is ``<origin>\\n<tree size>\\n<base64 root>\\n``, a blank line, and one signature
line ``\u2014 <key name> <base64(key id || signature)>\\n``; the key name is the origin and the key id
is the first four bytes of SHA-256(key name || 0x0A || 0x01 || public key). Written this way, a
secplan checkpoint can be checked by any tlog verifier (Go's sumdb/tlog and note packages,
Trillian Tessera's tools) given the verifier key that ``vkey`` prints.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
from dataclasses import dataclass

from secplan.crypto.keys.interface import KeyType
from secplan.crypto.keys.signer import PublicKey, Signer

ED25519 = 0x01
"""The signed-note signature type of Ed25519."""
ORIGIN_PREFIX = "secplan.ledger/"
_DASH = "\u2014"
_NAME = re.compile(r"^[^\s+]+$")
_MAX_NOTE = 4096


@dataclass(frozen=True, slots=True)
class CheckpointBody:
    """What a checkpoint note says: the log's origin, its size and its RFC 6962 root."""

    origin: str
    tree_size: int
    root: bytes

    def text(self) -> str:
        return f"{self.origin}\n{self.tree_size}\n{base64.b64encode(self.root).decode('ascii')}\n"


def origin_for(project_id: str) -> str:
    """The ledger's origin line and key name: stable for the project, whatever folder it is checked out in."""
    return ORIGIN_PREFIX + project_id


def key_id(name: str, public: PublicKey) -> bytes:
    """The 4-byte signed-note key id of an Ed25519 key under ``name``."""
    return hashlib.sha256(name.encode("utf-8") + b"\n" + bytes([ED25519]) + public.raw).digest()[:4]


def vkey(name: str, public: PublicKey) -> str:
    """The verifier key string (``<name>+<hex key id>+<base64(0x01 || key)>``) that note verifiers take."""
    return f"{name}+{key_id(name, public).hex()}+{base64.b64encode(bytes([ED25519]) + public.raw).decode('ascii')}"


def parse_vkey(text: str) -> PublicKey | None:
    """The Ed25519 key of a verifier key string (``vkey``'s format), if it is one whose id matches."""
    name, sep, rest = text.strip().partition("+")
    hex_id, sep2, blob = rest.partition("+")
    if not (sep and sep2 and _NAME.match(name) and len(hex_id) == 8):
        return None
    try:
        raw = base64.b64decode(blob, validate=True)
    except (binascii.Error, ValueError):
        return None
    if len(raw) != 33 or raw[0] != ED25519:
        return None
    public = PublicKey(KeyType.ED25519, raw[1:])
    return public if key_id(name, public).hex() == hex_id.lower() else None


def sign_checkpoint(body: CheckpointBody, signer: Signer) -> tuple[str, bytes]:
    """The signed note for ``body`` and the raw signature in it."""
    if signer.public_key.type is not KeyType.ED25519:
        raise ValueError("checkpoint notes are signed with Ed25519 keys only")
    if not _NAME.match(body.origin):
        raise ValueError(f"origin {body.origin!r} cannot be a note key name (no spaces or '+')")
    text = body.text()
    signature = signer.sign(text.encode("utf-8"))
    blob = base64.b64encode(key_id(body.origin, signer.public_key) + signature).decode("ascii")
    return f"{text}\n{_DASH} {body.origin} {blob}\n", signature


def open_checkpoint(note: str, public: PublicKey) -> tuple[CheckpointBody, bytes] | None:
    """The checkpoint a note carries, and the signature that verified, if the note is signed by
    ``public`` under its origin; else None.

    Follows the spec's rules: signatures by other keys are ignored, one by this key (name and id
    match) must verify, and at least one must."""
    if len(note) > _MAX_NOTE or not note.endswith("\n") or any(c < " " and c != "\n" for c in note):
        return None
    text, sep, signatures = note.rpartition("\n\n")
    if not sep:
        return None
    text += "\n"
    lines = text.split("\n")[:-1]
    if len(lines) < 3 or not lines[1].isdigit() or (lines[1] != "0" and lines[1].startswith("0")):
        return None
    try:
        root = base64.b64decode(lines[2], validate=True)
    except (binascii.Error, ValueError):
        return None
    if len(root) != 32 or not lines[0]:
        return None
    origin = lines[0]
    wanted = key_id(origin, public)
    verified = b""
    for line in signatures.split("\n")[:-1]:
        parts = line.split(" ")
        if len(parts) != 3 or parts[0] != _DASH:
            return None
        try:
            blob = base64.b64decode(parts[2], validate=True)
        except (binascii.Error, ValueError):
            return None
        if parts[1] != origin or blob[:4] != wanted:
            continue  # another key's signature (a witness, a rotated key): ignored, as the spec says
        if not public.verify(blob[4:], text.encode("utf-8")):
            return None
        verified = blob[4:]
    return (CheckpointBody(origin, int(lines[1]), root), verified) if verified else None
