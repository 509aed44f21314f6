"""The database itself refuses UPDATE and DELETE on the ledger tables (and TRUNCATE on PostgreSQL)."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from secplan.ledger import record, verify
from secplan.store.db import Store

STATEMENTS = [
    "UPDATE ledger_entries SET actor = 'mallory' WHERE seq = 1",
    "DELETE FROM ledger_entries WHERE seq = 2",
    "DELETE FROM ledger_entries",
    "UPDATE ledger_checkpoints SET root_hash = 'x'",
    "DELETE FROM ledger_checkpoints",
]


@pytest.mark.parametrize("statement", STATEMENTS)
def test_triggers_refuse_changes(store: Store, statement: str) -> None:
    record(store, action="plan.load", obj="plan:a")
    record(store, action="plan.load", obj="plan:b")
    with pytest.raises(DBAPIError, match="append-only"), store.engine.begin() as conn:
        conn.execute(text(statement))
    report = verify(store)
    assert report.ok and report.entries == 2


def test_truncate_is_refused_on_postgresql(store: Store) -> None:
    if store.dialect != "postgresql":
        pytest.skip("SQLite has no TRUNCATE; DELETE without WHERE is covered above")
    record(store, action="plan.load", obj="plan:a")
    for table in ("ledger_entries", "ledger_checkpoints"):
        with pytest.raises(DBAPIError, match="append-only"), store.engine.begin() as conn:
            conn.execute(text(f"TRUNCATE {table}"))
    assert verify(store).ok
