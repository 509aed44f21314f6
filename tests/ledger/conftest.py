"""Ledger test helpers: an attacker with raw database access (but not the key folder)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import text

from secplan.ledger.entry import GENESIS_PREV, canonical_bytes
from secplan.ledger.merkle import leaf_hash
from secplan.store.db import Store

TABLES = ("ledger_entries", "ledger_checkpoints")


class Attacker:
    """Does what someone with the database's credentials could: drop the triggers, then edit rows."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def drop_triggers(self) -> None:
        pg = self.store.dialect == "postgresql"
        names = ("append_only", "no_truncate") if pg else ("no_update", "no_delete")
        with self.store.engine.begin() as conn:
            for table in TABLES:
                for name in names:
                    on = f" ON {table}" if pg else ""
                    conn.execute(text(f"DROP TRIGGER {table}_{name}{on}"))

    def sql(self, statement: str, **params: object) -> None:
        with self.store.engine.begin() as conn:
            conn.execute(text(statement), params)

    def rows(self) -> list[dict]:
        with self.store.engine.connect() as conn:
            return [dict(r) for r in conn.execute(text("SELECT * FROM ledger_entries ORDER BY seq")).mappings()]

    def rehash_from(self, seq: int) -> None:
        """Recompute prev_hash and entry_hash from ``seq`` on, so that the chain looks intact."""
        rows = self.rows()
        prev = GENESIS_PREV
        with self.store.engine.begin() as conn:
            for row in rows:
                if row["seq"] >= seq:
                    data = canonical_bytes(
                        row["seq"], row["ts"], row["actor"], row["action"], row["object"], row["details"],
                        row["outcome"], prev,
                    )
                    digest = leaf_hash(data).hex()
                    conn.execute(
                        text("UPDATE ledger_entries SET prev_hash = :p, entry_hash = :h WHERE seq = :s"),
                        {"p": prev, "h": digest, "s": row["seq"]},
                    )
                    prev = digest
                else:
                    prev = row["entry_hash"]


@pytest.fixture
def attacker(store: Store) -> Iterator[Attacker]:
    a = Attacker(store)
    a.drop_triggers()
    yield a
