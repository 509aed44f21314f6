"""A ledger written before tiles and signed notes: its v1 checkpoints still verify, its tiles are
built on first need, and it carries on with note checkpoints that prove consistent with the old ones."""

from __future__ import annotations

import hashlib
import json

from sqlalchemy import text

from secplan.crypto.keys.signer import FileSigner
from secplan.ledger import consistency_proof, inclusion_proof, record, verify, verify_consistency_proof
from secplan.ledger.entry import GENESIS_PREV, canonical_bytes
from secplan.ledger.merkle import Frontier
from secplan.ledger.proof import ensure_tiles
from secplan.ledger.signing import LedgerFiles
from secplan.store.db import Store

from .c2sp import verify_checkpoint


def _v1_ledger(store: Store, sizes: list[int]) -> list[dict]:
    """Entries and checkpoints exactly as the v1 writer stored them (no tiles, no notes)."""
    files = LedgerFiles.for_home(store.home)
    signer = FileSigner(files.key)
    key_id = hashlib.sha256(signer.public_key.raw).hexdigest()[:16]
    frontier, prev, seq, checkpoints = Frontier(), GENESIS_PREV, 0, []
    with store.engine.begin() as conn:
        for size in sizes:
            ts = f"2025-01-0{len(checkpoints) + 1}T10:00:00.000000Z"
            for _ in range(size):
                seq += 1
                details = json.dumps({"n": seq}, separators=(",", ":"))
                digest = hashlib.sha256(b"\x00" + canonical_bytes(seq, ts, "alice", "data.read", f"d:{seq}", details,
                                                                   "success", prev)).hexdigest()
                conn.execute(text("INSERT INTO ledger_entries VALUES (:s, :ts, 'alice', 'data.read', :o, :d, "
                                  "'success', :p, :h)"),
                             {"s": seq, "ts": ts, "o": f"d:{seq}", "d": details, "p": prev, "h": digest})
                frontier.append(bytes.fromhex(digest))
                prev = digest
            root = frontier.root().hex()
            message = f"secplan-ledger-checkpoint/v1\n{seq}\n{root}\n{ts}\n".encode()
            row = {"tree_size": seq, "root_hash": root, "timestamp": ts, "key_id": key_id,
                   "signature": signer.sign(message).hex()}
            conn.execute(text("INSERT INTO ledger_checkpoints (tree_size, root_hash, ts, frontier, key_id, signature) "
                              "VALUES (:tree_size, :root_hash, :timestamp, :f, :key_id, :signature)"),
                         {**row, "f": json.dumps([h.hex() for h in frontier.hashes])})
            checkpoints.append(row)
    files.mirror.write_text(json.dumps(checkpoints[-1]))
    return checkpoints


def _tile_count(store: Store) -> int:
    with store.engine.connect() as conn:
        return conn.execute(text("SELECT count(*) FROM ledger_tiles")).scalar_one()


def test_a_v1_ledger_verifies_proves_and_continues_with_notes(store: Store) -> None:
    old = _v1_ledger(store, [3, 300, 1])
    assert verify(store).ok
    assert _tile_count(store) == 0
    proof = inclusion_proof(store, 200)  # tiles built on first need
    assert proof.checkpoint.note is None and proof.checkpoint.tree_size == 304
    assert _tile_count(store) > 0
    assert record(store, action="plan.load", obj="plan:x") == 305
    report = verify(store)
    assert report.ok, report.message
    assert report.checkpoints == 5  # three v1 rows, one note row, the note in the checkpoint file
    cons = consistency_proof(store, 303)
    assert cons.old_checkpoint is not None and cons.old_checkpoint.signature == old[1]["signature"]
    assert verify_consistency_proof(cons, proof_public(store))
    origin = cons.checkpoint.note.split("\n", 1)[0]
    assert verify_checkpoint(cons.checkpoint.note, origin, proof_public(store).raw)[1] == 305


def test_an_append_builds_the_tiles_of_a_v1_ledger(store: Store) -> None:
    _v1_ledger(store, [600])
    record(store, action="plan.load", obj="plan:x")
    assert ensure_tiles(store) is False  # the append built them
    assert inclusion_proof(store, 601).entry.object == "plan:x"
    assert verify(store).ok


def test_ensure_tiles_reports_progress(store: Store) -> None:
    _v1_ledger(store, [20_000])
    seen: list[tuple[int, int]] = []
    assert ensure_tiles(store, lambda done, total: seen.append((done, total))) is True
    assert seen[-1] == (20_000, 20_000) and len(seen) > 1
    assert ensure_tiles(store) is False


def proof_public(store: Store):
    return FileSigner(LedgerFiles.for_home(store.home).key).public_key
