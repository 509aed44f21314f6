"""Reading the ledger back in seq order, page by page, so that a million entries never sit in memory
and no long transaction holds the database while they are checked."""

from __future__ import annotations

from collections.abc import Iterator

from sqlalchemy import Connection, func, select

from secplan.ledger.entry import Entry
from secplan.ledger.records import CHECKPOINTS, ENTRIES
from secplan.ledger.signing import Checkpoint
from secplan.store.db import Store

PAGE = 5000

ENTRY_COLUMNS = (
    ENTRIES.c.seq,
    ENTRIES.c.ts,
    ENTRIES.c.actor,
    ENTRIES.c.action,
    ENTRIES.c.object,
    ENTRIES.c.details,
    ENTRIES.c.outcome,
    ENTRIES.c.prev_hash,
    ENTRIES.c.entry_hash,
)
_CHECKPOINT_COLUMNS = (
    CHECKPOINTS.c.tree_size,
    CHECKPOINTS.c.root_hash,
    CHECKPOINTS.c.ts,
    CHECKPOINTS.c.key_id,
    CHECKPOINTS.c.signature,
    CHECKPOINTS.c.note,
)


def bounds(store: Store) -> tuple[int, int]:
    """(last entry seq, newest checkpoint size), read in one statement so that they agree."""
    query = select(
        select(func.coalesce(func.max(ENTRIES.c.seq), 0)).scalar_subquery(),
        select(func.coalesce(func.max(CHECKPOINTS.c.tree_size), 0)).scalar_subquery(),
    )
    with store.engine.connect() as conn:
        last_seq, newest = conn.execute(query).one()
    return int(last_seq), int(newest)


def iter_entries(store: Store, upto: int, start: int = 0, conn: Connection | None = None) -> Iterator[Entry]:
    """Entries with ``start < seq <= upto`` in seq order (on ``conn`` when given: one transaction)."""
    after = start
    while True:
        query = (
            select(*ENTRY_COLUMNS)
            .where(ENTRIES.c.seq > after, ENTRIES.c.seq <= upto)
            .order_by(ENTRIES.c.seq)
            .limit(PAGE)
        )
        if conn is not None:
            rows = conn.execute(query).all()
        else:
            with store.engine.connect() as own:
                rows = own.execute(query).all()
        for row in rows:
            yield Entry(*row)
        if len(rows) < PAGE:
            return
        after = rows[-1][0]


def iter_checkpoints(store: Store, upto: int) -> Iterator[Checkpoint]:
    """Stored checkpoints with ``tree_size <= upto`` in size order."""
    after = -1
    while True:
        query = (
            select(*_CHECKPOINT_COLUMNS)
            .where(CHECKPOINTS.c.tree_size > after, CHECKPOINTS.c.tree_size <= upto)
            .order_by(CHECKPOINTS.c.tree_size)
            .limit(PAGE)
        )
        with store.engine.connect() as conn:
            rows = conn.execute(query).all()
        for row in rows:
            yield Checkpoint(int(row[0]), row[1], row[2], row[3], row[4], row[5])
        if len(rows) < PAGE:
            return
        after = rows[-1][0]


def iter_leaf_hashes(store: Store, upto: int) -> Iterator[tuple[int, str]]:
    """(seq, stored entry_hash) for ``seq <= upto``: what an inclusion proof is built from."""
    after = 0
    while True:
        query = (
            select(ENTRIES.c.seq, ENTRIES.c.entry_hash)
            .where(ENTRIES.c.seq > after, ENTRIES.c.seq <= upto)
            .order_by(ENTRIES.c.seq)
            .limit(PAGE * 10)
        )
        with store.engine.connect() as conn:
            rows = conn.execute(query).all()
        yield from ((int(s), h) for s, h in rows)
        if len(rows) < PAGE * 10:
            return
        after = rows[-1][0]


def newest_checkpoint(store: Store) -> Checkpoint | None:
    query = select(*_CHECKPOINT_COLUMNS).order_by(CHECKPOINTS.c.tree_size.desc()).limit(1)
    with store.engine.connect() as conn:
        row = conn.execute(query).first()
    return None if row is None else Checkpoint(int(row[0]), row[1], row[2], row[3], row[4], row[5])


def checkpoint_at(store: Store, size: int) -> Checkpoint | None:
    """The stored checkpoint of the tree of ``size`` entries, if the ledger signed one at that size."""
    with store.engine.connect() as conn:
        row = conn.execute(select(*_CHECKPOINT_COLUMNS).where(CHECKPOINTS.c.tree_size == size)).first()
    return None if row is None else Checkpoint(int(row[0]), row[1], row[2], row[3], row[4], row[5])


def get_entry(store: Store, seq: int) -> Entry | None:
    with store.engine.connect() as conn:
        row = conn.execute(select(*ENTRY_COLUMNS).where(ENTRIES.c.seq == seq)).first()
    return None if row is None else Entry(*row)
