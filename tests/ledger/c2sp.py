"""An independent verifier of C2SP checkpoints and tiles, written from the spec text only
(c2sp.org/signed-note, c2sp.org/tlog-checkpoint, c2sp.org/tlog-tiles, RFC 6962). It shares no code
with secplan.ledger, so a test that passes with it shows the production format is the specified one."""

from __future__ import annotations

import base64
import hashlib

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey


def parse_vkey(vkey: str) -> tuple[str, bytes, bytes]:
    """``<name>+<hex key id>+<base64(0x01 || key)>`` -> (name, key id, 32-byte key); checks the id."""
    name, key_hex, blob = vkey.split("+", 2)  # the base64 part may hold "+" itself
    raw = base64.b64decode(blob)
    assert raw[0] == 0x01 and len(raw) == 33, "only Ed25519 verifier keys"
    key_id = bytes.fromhex(key_hex)
    assert hashlib.sha256(name.encode() + b"\n" + raw).digest()[:4] == key_id, "vkey id does not match"
    return name, key_id, raw[1:]


def verify_checkpoint(note: str, name: str, public: bytes) -> tuple[str, int, bytes]:
    """(origin, size, root) of a checkpoint note signed by the Ed25519 key ``public`` named ``name``;
    raises AssertionError otherwise."""
    assert note.endswith("\n") and "\n\n" in note
    assert all(ord(c) >= 0x20 or c == "\n" for c in note), "control characters"
    split = note.rindex("\n\n")
    text, signatures = note[: split + 1], note[split + 2 :]
    key_id = hashlib.sha256(name.encode() + b"\n\x01" + public).digest()[:4]
    good = 0
    for line in signatures.splitlines():
        dash, signer, b64 = line.split(" ")
        assert dash == "\u2014"
        blob = base64.b64decode(b64)
        if signer == name and blob[:4] == key_id:
            try:
                Ed25519PublicKey.from_public_bytes(public).verify(blob[4:], text.encode())
            except InvalidSignature:
                raise AssertionError("bad signature") from None
            good += 1
    assert good, "no signature by the key"
    origin, size, root64, *_extensions = text.split("\n")[:-1]
    assert origin == name  # the log's key name matches its origin (tlog-checkpoint)
    assert size.isdigit() and (size == "0" or not size.startswith("0"))
    root = base64.b64decode(root64)
    assert len(root) == 32
    return origin, int(size), root


def tile_index_path(n: int) -> str:
    """``<N>`` of a tile path: zero-padded 3-digit elements, all but the last prefixed with ``x``."""
    groups = []
    while True:
        groups.append(f"{n % 1000:03d}")
        n //= 1000
        if n == 0:
            break
    groups.reverse()
    return "/".join([f"x{g}" for g in groups[:-1]] + [groups[-1]])


def mth(leaves: list[bytes]) -> bytes:
    """RFC 6962 section 2.1, recursively."""
    if not leaves:
        return hashlib.sha256(b"").digest()
    if len(leaves) == 1:
        return leaves[0]
    k = 1
    while k * 2 < len(leaves):
        k *= 2
    return hashlib.sha256(b"\x01" + mth(leaves[:k]) + mth(leaves[k:])).digest()


def check_tiled_log(folder, vkey: str) -> list[bytes]:
    """Check a static tiled log with only its verifier key; returns the entries (bundle payloads).

    The checkpoint must verify; every entry bundle must hash (RFC 6962 leaf hashes) to its level-0
    tile; every tile of a higher level must hold the MTH of each full tile below; and the leaves must
    give the checkpoint's root."""
    from pathlib import Path

    folder = Path(folder)
    name, _, public = parse_vkey(vkey)
    _, size, root = verify_checkpoint((folder / "checkpoint").read_text(encoding="utf-8"), name, public)

    def tile(level: str | int, n: int, count: int) -> bytes:
        width = min(256, count - n * 256)
        suffix = "" if width == 256 else f".p/{width}"
        return (folder / f"tile/{level}/{tile_index_path(n)}{suffix}").read_bytes()

    entries: list[bytes] = []
    leaves: list[bytes] = []
    for n in range((size + 255) // 256):
        data = tile("entries", n, size)
        hashes = tile(0, n, size)
        pos = 0
        while pos < len(data):
            length = int.from_bytes(data[pos : pos + 2], "big")
            entry = data[pos + 2 : pos + 2 + length]
            pos += 2 + length
            leaf = hashlib.sha256(b"\x00" + entry).digest()
            assert leaf == hashes[32 * len(leaves) % 8192 : 32 * len(leaves) % 8192 + 32], len(leaves)
            entries.append(entry)
            leaves.append(leaf)
        assert len(hashes) == 32 * min(256, size - n * 256)
    assert len(leaves) == size
    below = leaves
    level = 1
    while size >> (8 * level):
        count = size >> (8 * level)
        this: list[bytes] = []
        for n in range((count + 255) // 256):
            data = tile(level, n, count)
            for i in range(len(data) // 32):
                k = n * 256 + i
                assert data[32 * i : 32 * i + 32] == mth(below[k * 256 : (k + 1) * 256]), (level, k)
                this.append(data[32 * i : 32 * i + 32])
        below, level = this, level + 1
    assert mth(leaves) == root
    return entries
