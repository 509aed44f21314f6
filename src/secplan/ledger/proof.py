"""Inclusion and consistency proofs, built from the stored tiles: O(log n) reads at any ledger size.

A proof is self-contained (the entry or the old tree head, the RFC 6962 / RFC 9162 path, the signed
checkpoint), so an auditor can check it with the public key alone, without the database. Every
proof is checked before it is returned; one that does not check is rebuilt once from fresh tiles
(a ledger from before tiles, or with damaged ones), and refused if it still does not.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from sqlalchemy import func, select

from secplan.crypto.keys.signer import PublicKey
from secplan.errors import InputError, IntegrityError
from secplan.ledger.entry import Entry
from secplan.ledger.merkle import (
    Subtree,
    consistency_path_of,
    inclusion_path_of,
    verify_consistency,
    verify_inclusion,
)
from secplan.ledger.reading import checkpoint_at, get_entry, newest_checkpoint
from secplan.ledger.records import CHECKPOINTS
from secplan.ledger.signing import (
    Checkpoint,
    LedgerFiles,
    load_signer,
    public_hex,
    read_mirror,
    signature_ok,
    signature_problem,
)
from secplan.ledger.tiles import MissingTile, TileReader, TileWriter, build_tiles, lock_appends
from secplan.store.db import Store

_HINT = "run `secplan audit verify` to find the damaged entry"
Progress = Callable[[int, int], None]
T = TypeVar("T")


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


@dataclass(frozen=True)
class ConsistencyProof:
    """The tree of ``old_size`` entries (root ``old_root``) is a prefix of the signed ``checkpoint``'s."""

    old_size: int
    old_root: str
    path: list[str]
    checkpoint: Checkpoint
    public_key: str
    old_checkpoint: Checkpoint | None = None
    """The signed checkpoint at ``old_size``, when the ledger signed one at that size."""

    def to_json(self) -> dict[str, Any]:
        return {
            "old_size": self.old_size,
            "old_root": self.old_root,
            "tree_size": self.checkpoint.tree_size,
            "root_hash": self.checkpoint.root_hash,
            "consistency_path": self.path,
            "checkpoint": self.checkpoint.to_json(),
            "old_checkpoint": None if self.old_checkpoint is None else self.old_checkpoint.to_json(),
            "public_key": self.public_key,
        }


def verify_proof(proof: InclusionProof, public: PublicKey) -> bool:
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


def verify_consistency_proof(proof: ConsistencyProof, public: PublicKey) -> bool:
    """True when the new root is signed, the old one too (if a checkpoint is given), and the path joins them."""
    old = proof.old_checkpoint
    if old is not None and not (
        signature_ok(public, old) and (old.tree_size, old.root_hash) == (proof.old_size, proof.old_root)
    ):
        return False
    return signature_ok(public, proof.checkpoint) and verify_consistency(
        proof.old_size,
        proof.checkpoint.tree_size,
        [bytes.fromhex(h) for h in proof.path],
        bytes.fromhex(proof.old_root),
        bytes.fromhex(proof.checkpoint.root_hash),
    )


def inclusion_proof(store: Store, seq: int, *, head: tuple[PublicKey, Checkpoint | None] | None = None) -> InclusionProof:
    """Prove entry ``seq`` against the newest signed checkpoint, or against ``head`` (a
    :func:`signed_head` read once, so that many proofs share one checkpoint while others append).

    Raises ``InputError`` for an entry that does not exist, ``IntegrityError`` when the stored
    entries do not add up to the signed root."""
    public, checkpoint = head if head is not None else signed_head(store)
    if checkpoint is None or not 1 <= seq <= checkpoint.tree_size:
        size = checkpoint.tree_size if checkpoint else 0
        raise InputError(f"ledger entry {seq} does not exist (the ledger's signed checkpoint covers 1..{size})")
    entry = get_entry(store, seq)
    if entry is None:
        raise IntegrityError(f"ledger entry {seq} is missing from the database", hint=_HINT)
    size = checkpoint.tree_size

    def build(subtree: Subtree) -> InclusionProof:
        path = inclusion_path_of(subtree, seq - 1, size)
        return InclusionProof(entry, [h.hex() for h in path], checkpoint, public_hex(public))

    return _from_tiles(
        store, size, build, lambda proof: verify_proof(proof, public),
        f"ledger entry {seq} cannot be proved against the signed checkpoint at size {size}",
    )


def consistency_proof(store: Store, old_size: int) -> ConsistencyProof:
    """Prove that the ledger of ``old_size`` entries is a prefix of the newest signed checkpoint's.

    ``old_size`` is typically the size of a checkpoint an auditor kept; the proof then carries
    that checkpoint too (and its root must be the one the tiles give)."""
    public, checkpoint = signed_head(store)
    size = checkpoint.tree_size if checkpoint else 0
    if checkpoint is None or not 1 <= old_size <= size:
        raise InputError(f"no consistency proof from size {old_size}: the ledger's signed checkpoint covers 1..{size}")
    old = checkpoint_at(store, old_size)

    def build(subtree: Subtree) -> ConsistencyProof:
        path = consistency_path_of(subtree, old_size, size)
        return ConsistencyProof(old_size, subtree(0, old_size).hex(), [h.hex() for h in path], checkpoint,
                                public_hex(public), old)

    return _from_tiles(
        store, size, build, lambda proof: verify_consistency_proof(proof, public),
        f"the ledger at size {old_size} cannot be proved consistent with the signed checkpoint at size {size}",
    )


def ensure_tiles(store: Store, on_progress: Progress | None = None) -> bool:
    """Build the tiles of a ledger written before tiles existed (True if it had to). An append does
    this too; commands call it first so that a long build shows progress."""
    with store.engine.connect() as conn:
        size = conn.execute(select(func.coalesce(func.max(CHECKPOINTS.c.tree_size), 0))).scalar_one()
        if TileWriter.load(conn, size) is not None:
            return False
    rebuild_tiles(store, on_progress)
    return True


def _from_tiles(store: Store, size: int, build: Callable[[Subtree], T], check: Callable[[T], bool], problem: str) -> T:
    for attempt in range(2):
        with store.engine.connect() as conn:
            reader = TileReader(conn, size)
            try:
                reader.prefetch(build)
                result: T | None = build(reader.subtree)
            except MissingTile:
                result = None
        if result is not None and check(result):
            return result
        if attempt == 0:
            rebuild_tiles(store, None)
    raise IntegrityError(problem, hint=_HINT)


def rebuild_tiles(store: Store, on_progress: Progress | None = None) -> None:
    """Tiles recomputed from the entries up to the newest stored checkpoint, under the append lock."""
    with store.session() as session:
        conn = session.connection()
        lock_appends(conn)
        size = conn.execute(select(func.coalesce(func.max(CHECKPOINTS.c.tree_size), 0))).scalar_one()
        build_tiles(conn, int(size), on_progress)


def signed_head(store: Store) -> tuple[PublicKey, Checkpoint | None]:
    """The public key and the newest checkpoint, DB or file; a bad signature on it is an integrity
    failure, not a reason to fall back to an older one."""
    files = LedgerFiles.for_home(store.home)
    signer = load_signer(files)
    if signer is None:
        raise IntegrityError(f"the ledger signing key {files.key} is missing: nothing can be proved")
    public = signer.public_key
    candidates = [c for c in (newest_checkpoint(store), read_mirror(files)) if c is not None]
    if not candidates:
        return public, None
    newest = max(candidates, key=lambda c: c.tree_size)
    problem = signature_problem(public, newest)
    if problem:
        raise IntegrityError(f"the newest ledger checkpoint (size {newest.tree_size}) is not validly signed: {problem}",
                             hint=_HINT)
    return public, newest
