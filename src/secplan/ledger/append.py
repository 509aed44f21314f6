"""Appending to the ledger: entries, their chain and tree, and a signed checkpoint, in one transaction.

Concurrent callers in one process are group-committed (``sequencer.py``): one transaction and one
checkpoint per batch, each caller returning only when its entries are committed. Batches are
serialised (SQLite: the store's BEGIN IMMEDIATE; PostgreSQL: a transaction-scoped
advisory lock), so concurrent processes cannot fork the chain. Each append costs O(log n): it
extends the Merkle frontier saved with the newest checkpoint rather than rehashing the tree.
Before extending, it checks that the head it builds on is authentic, and refuses to write on top
of a ledger that has visibly been truncated or rewritten (fail closed). The tree's tiles
(``tiles.py``) are extended in the same transaction, and the checkpoint is a C2SP signed note.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Connection, func, select

from secplan.crypto.keys.signer import FileSigner, PublicKey, Signer
from secplan.errors import IntegrityError, SecplanError
from secplan.identity import current_actor
from secplan.ledger.entry import GENESIS_PREV, Action, canonical_bytes, format_timestamp, validate
from secplan.ledger.merkle import Frontier, append_nodes, leaf_hash
from secplan.ledger.note import origin_for
from secplan.ledger.records import CHECKPOINTS, ENTRIES, for_driver
from secplan.ledger.sequencer import Sequencer, sequencer_for
from secplan.ledger.signing import (
    KEY_ENV,
    Checkpoint,
    LedgerFiles,
    load_signer,
    mirror_if_newer,
    origin_of,
    read_mirror,
    sign,
    signature_problem,
)
from secplan.ledger.tiles import TileWriter, build_tiles, lock_appends
from secplan.store.base import utcnow
from secplan.store.db import Store

_HINT = "run `secplan audit verify` to find the damaged entry"
# The append's statements, run through the driver (see records.for_driver).
_INSERT_ENTRIES = (f"INSERT INTO {ENTRIES.name} (seq, ts, actor, action, object, details, outcome, prev_hash, "
                   "entry_hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")
_INSERT_CHECKPOINT = (f"INSERT INTO {CHECKPOINTS.name} (tree_size, root_hash, ts, frontier, key_id, signature, note) "
                      "VALUES (?, ?, ?, ?, ?, ?, ?)")
_HEAD = (f"SELECT tree_size, signature, (SELECT max(seq) FROM {ENTRIES.name}) FROM {CHECKPOINTS.name} "
         "ORDER BY tree_size DESC LIMIT 1")


@dataclass(slots=True)
class _Head:
    frontier: Frontier
    last_hash: str
    tiles: TileWriter
    origin: str

    def copy(self) -> _Head:
        return _Head(self.frontier.copy(), self.last_hash, self.tiles.copy(), self.origin)


def record(
    store: Store,
    *,
    action: str,
    obj: str,
    details: dict | None = None,
    outcome: str = "success",
    actor: str | None = None,
) -> int:
    """Append one action to the audit ledger and return its sequence number."""
    return record_many(store, [Action(action, obj, details, outcome, actor)])[0]


def record_many(store: Store, actions: Iterable[Action]) -> list[int]:
    """Append several actions with consecutive sequence numbers; returns them once committed.

    Safe to call from many threads at once: concurrent calls are group-committed (one transaction
    and one signed checkpoint per batch, see ``secplan.ledger.sequencer``)."""
    default_actor = current_actor()
    prepared = []
    for item in actions:
        actor = item.actor or default_actor
        details, outcome = validate(item, actor)
        prepared.append((item, actor, details, outcome))
    if not prepared:
        return []
    return sequencer_for(store, lambda: Sequencer(_Writer(store).write)).submit(prepared)


class _Writer:
    """Writes one batch per transaction for one store; remembers the head it wrote last.

    When the database's newest checkpoint is still the one this process signed, the next batch
    continues from memory instead of re-reading and re-verifying the head (the costly part of a
    small append); any other head is loaded and checked in full."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self._key: tuple[object, Signer] | None = None
        self._head: tuple[Checkpoint, _Head] | None = None
        self._origin: str | None = None
        self._mirrored: tuple[bytes, int] | None = None  # the checkpoint file as this process left it

    def write(self, prepared: list) -> list[int]:
        store = self.store
        files = LedgerFiles.for_home(store.home)
        if self._origin is None:
            self._origin = _default_origin(store)
        try:
            return self._write(store, files, prepared)
        except BaseException:
            self._head = None
            raise

    def _write(self, store: Store, files: LedgerFiles, prepared: list) -> list[int]:
        with store.session() as session:
            conn = session.connection()
            lock_appends(conn)
            signer, head = self._open(conn, files)
            timestamp = format_timestamp(utcnow())
            frontier, prev, tiles = head.frontier, head.last_hash, head.tiles
            rows, nodes = [], []
            for item, actor, details, outcome in prepared:
                seq = frontier.size + 1
                digest = leaf_hash(
                    canonical_bytes(seq, timestamp, actor, item.action, item.obj, details, outcome, prev)
                )
                nodes.clear()
                append_nodes(frontier, digest, nodes)
                tiles.add(seq, nodes)
                entry_hash = digest.hex()
                rows.append((seq, timestamp, actor, item.action, item.obj, details, outcome, prev, entry_hash))
                prev = entry_hash
            style = conn.dialect.paramstyle
            conn.exec_driver_sql(for_driver(_INSERT_ENTRIES, style), rows)
            tiles.flush(conn)
            checkpoint = sign(signer, head.origin, frontier.size, frontier.root().hex(), timestamp)
            conn.exec_driver_sql(for_driver(_INSERT_CHECKPOINT, style), (
                checkpoint.tree_size, checkpoint.root_hash, checkpoint.timestamp,
                json.dumps([h.hex() for h in frontier.hashes]), checkpoint.key_id, checkpoint.signature,
                checkpoint.note))
        self._head = (checkpoint, _Head(frontier, prev, tiles, head.origin))
        self._mirrored = mirror_if_newer(files, checkpoint, self._mirrored)
        return [row[0] for row in rows]

    def _open(self, conn: Connection, files: LedgerFiles) -> tuple[Signer, _Head]:
        signer = self._load_signer(files)
        if self._head is not None and signer is not None:
            known, head = self._head
            newest = conn.exec_driver_sql(_HEAD).first()
            # The database and the mirror are as this process left them (the mirror compared byte for
            # byte: no parse, no lock; a torn read only sends us to the full check below).
            if newest is not None and tuple(newest) == (known.tree_size, known.signature, known.tree_size) \
                    and self._mirrored is not None and _read_bytes(files.mirror) == self._mirrored[0]:
                return signer, head.copy()
        self._head = None
        assert self._origin is not None
        return _open_head(conn, files, signer, self._origin)

    def _load_signer(self, files: LedgerFiles) -> Signer | None:
        """The signer, read again only when its key file changed (or its mode: a widened mode is refused)."""
        signer = self._key[1] if self._key is not None else None
        if signer is not None and not isinstance(signer, FileSigner):
            return signer  # a keystore key: resolved once per process
        try:
            info = files.key.stat()
        except FileNotFoundError:
            info = None
        stamp = None if info is None else (info.st_ino, info.st_mtime_ns, info.st_size, info.st_mode)
        if self._key is not None and stamp is not None and self._key[0] == stamp:
            return self._key[1]
        found = load_signer(files)
        self._key = None if found is None else (stamp, found)
        return found


def _default_origin(store: Store) -> str:
    """The origin a new ledger gets: from the store's project id, so that every checkout agrees.

    Resolved before the append's transaction (resolving may register the project). A plan that
    cannot be read must not stop an action from being recorded, so the folder's identity stands in."""
    from secplan.projects import folder_project, project_of

    try:
        return origin_for(project_of(store).id)
    except SecplanError:
        return origin_for(folder_project(store.home.parent).id)


def _open_head(conn: Connection, files: LedgerFiles, signer: Signer | None, origin: str) -> tuple[Signer, _Head]:
    """The signer and the authenticated end of the ledger to append to. O(log n): index look-ups only
    (plus, once, building the tiles of a ledger written before tiles existed)."""
    newest = conn.execute(
        select(CHECKPOINTS).order_by(CHECKPOINTS.c.tree_size.desc()).limit(1)
    ).mappings().first()
    last_seq = conn.execute(select(func.max(ENTRIES.c.seq))).scalar()
    mirror = read_mirror(files)
    if newest is None:
        if last_seq is not None:
            raise IntegrityError(f"the audit ledger has {last_seq} entries but no signed checkpoint", hint=_HINT)
        if mirror is not None and mirror.tree_size > 0:
            raise IntegrityError(
                f"the audit ledger is empty but {files.mirror} records {mirror.tree_size} entries: it was truncated",
                hint=f"if you deliberately started a new store, archive {files.key.parent} and start a new ledger",
            )
        return signer or load_signer(files, create=True), _Head(Frontier(), GENESIS_PREV, TileWriter(), origin)  # type: ignore[return-value]
    if signer is None:
        raise IntegrityError(
            f"the ledger signing key {files.key} is missing, so its checkpoints cannot be extended",
            hint=f"restore the key file, or point {KEY_ENV} at it",
        )
    checkpoint = Checkpoint(
        newest["tree_size"], newest["root_hash"], newest["ts"], newest["key_id"], newest["signature"], newest["note"]
    )
    problem = signature_problem(signer.public_key, checkpoint)
    if problem:
        raise IntegrityError(f"the newest ledger checkpoint (size {checkpoint.tree_size}) in the database is not "
                             f"validly signed: {problem}", hint=_HINT)
    frontier = Frontier(checkpoint.tree_size, [bytes.fromhex(h) for h in json.loads(newest["frontier"])])
    if frontier.root().hex() != checkpoint.root_hash:
        raise IntegrityError("the newest ledger checkpoint's frontier does not match its signed root", hint=_HINT)
    if last_seq != checkpoint.tree_size:
        raise IntegrityError(
            f"the audit ledger ends at entry {last_seq} but its newest checkpoint covers {checkpoint.tree_size}",
            hint=_HINT,
        )
    if mirror is not None:
        _check_mirror(conn, files, mirror, checkpoint, signer.public_key)
    last_hash = conn.execute(select(ENTRIES.c.entry_hash).where(ENTRIES.c.seq == last_seq)).scalar_one()
    tiles = TileWriter.load(conn, checkpoint.tree_size)
    if tiles is None:  # a ledger from before tiles (or with damaged ones): built once, here
        if build_tiles(conn, checkpoint.tree_size).root().hex() != checkpoint.root_hash:
            raise IntegrityError("the ledger's entries do not add up to its newest signed checkpoint", hint=_HINT)
        tiles = TileWriter.load(conn, checkpoint.tree_size)
        assert tiles is not None
    return signer, _Head(frontier, last_hash, tiles, origin_of(checkpoint) or origin)


def _read_bytes(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except OSError:
        return None


def _check_mirror(conn: Connection, files: LedgerFiles, mirror: Checkpoint, newest: Checkpoint,
                  public: PublicKey) -> None:
    problem = signature_problem(public, mirror)
    if problem:  # before its size is believed: an edited size is not a deletion
        raise IntegrityError(f"the checkpoint in {files.mirror} (size {mirror.tree_size}) is not the ledger's: {problem}",
                             hint=_HINT)
    if mirror.tree_size > newest.tree_size:
        raise IntegrityError(
            f"the audit ledger has {newest.tree_size} entries but {files.mirror} records {mirror.tree_size}: "
            "entries were deleted",
            hint=_HINT,
        )
    stored = conn.execute(
        select(CHECKPOINTS.c.root_hash).where(CHECKPOINTS.c.tree_size == mirror.tree_size)
    ).scalar()
    if stored != mirror.root_hash:
        raise IntegrityError(
            f"the ledger checkpoint at size {mirror.tree_size} in the database differs from {files.mirror}",
            hint=_HINT,
        )
