"""Inclusion proofs: show that one entry is in the tree a signed checkpoint commits to.

A proof is self-contained (the entry's hash, the RFC 6962 audit path, the signed checkpoint), so an
auditor can check it with the public key alone, without access to the database.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from secplan.errors import InputError, IntegrityError
from secplan.ledger.entry import Entry
from secplan.ledger.merkle import inclusion_path, verify_inclusion
from secplan.ledger.reading import get_entry, iter_leaf_hashes, newest_checkpoint
from secplan.ledger.signing import Checkpoint, LedgerFiles, load_key, public_hex, read_mirror, signature_ok
from secplan.store.db import Store

_HINT = "run `secplan audit verify` to find the damaged entry"


@dataclass(frozen=True)
class InclusionProof:
    """Entry ``seq`` (leaf index ``seq - 1``) is in the tree of ``checkpoint.tree_size`` entries."""

    entry: Entry
    path: list[str]
    checkpoint: Checkpoint
    public_key: str
    """Raw Ed25519 public key (hex) the checkpoint is signed with."""

    def to_json(self) -> dict[str, Any]:
        return {
            "seq": self.entry.seq,
            "leaf_index": self.entry.seq - 1,
            "leaf_hash": self.entry.entry_hash,
            "entry": self.entry.to_json(),
            "tree_size": self.checkpoint.tree_size,
            "root_hash": self.checkpoint.root_hash,
            "audit_path": self.path,
            "checkpoint": self.checkpoint.to_json(),
            "public_key": self.public_key,
        }


def verify_proof(proof: InclusionProof, public: Ed25519PublicKey) -> bool:
    """True when the entry's content gives its leaf hash, the path leads to the root, and the root is signed."""
    return (
        proof.entry.computed_hash() == proof.entry.entry_hash
        and signature_ok(public, proof.checkpoint)
        and verify_inclusion(
            bytes.fromhex(proof.entry.entry_hash),
            proof.entry.seq - 1,
            proof.checkpoint.tree_size,
            [bytes.fromhex(h) for h in proof.path],
            bytes.fromhex(proof.checkpoint.root_hash),
        )
    )


def inclusion_proof(store: Store, seq: int) -> InclusionProof:
    """Prove entry ``seq`` against the newest signed checkpoint. O(n) in the entries it covers.

    Raises ``InputError`` for an entry that does not exist, ``IntegrityError`` when the stored
    entries do not add up to the signed root.
    """
    files = LedgerFiles.for_home(store.home)
    key = load_key(files)
    if key is None:
        raise IntegrityError(f"the ledger signing key {files.key} is missing: nothing can be proved")
    public = key.public_key()
    checkpoint = _newest_signed(store, files, public)
    if checkpoint is None or not 1 <= seq <= checkpoint.tree_size:
        size = checkpoint.tree_size if checkpoint else 0
        raise InputError(f"ledger entry {seq} does not exist (the ledger's signed checkpoint covers 1..{size})")
    entry = get_entry(store, seq)
    if entry is None:
        raise IntegrityError(f"ledger entry {seq} is missing from the database", hint=_HINT)
    leaves = []
    for expected, (found, digest) in enumerate(iter_leaf_hashes(store, checkpoint.tree_size), start=1):
        if found != expected:
            raise IntegrityError(f"ledger entry {expected} is missing from the database", hint=_HINT)
        leaves.append(bytes.fromhex(digest))
    if len(leaves) != checkpoint.tree_size:
        raise IntegrityError(f"ledger entry {len(leaves) + 1} is missing from the database", hint=_HINT)
    proof = InclusionProof(
        entry, [h.hex() for h in inclusion_path(leaves, seq - 1)], checkpoint, public_hex(public)
    )
    if not verify_proof(proof, public):
        raise IntegrityError(
            f"ledger entry {seq} cannot be proved against the signed checkpoint at size {checkpoint.tree_size}",
            hint=_HINT,
        )
    return proof


def _newest_signed(store: Store, files: LedgerFiles, public: Ed25519PublicKey) -> Checkpoint | None:
    """The newest checkpoint, DB or file; a bad signature on it is an integrity failure, not a fallback."""
    candidates = [c for c in (newest_checkpoint(store), read_mirror(files)) if c is not None]
    if not candidates:
        return None
    newest = max(candidates, key=lambda c: c.tree_size)
    if not signature_ok(public, newest):
        raise IntegrityError(f"the ledger checkpoint at size {newest.tree_size} has an invalid signature", hint=_HINT)
    return newest
