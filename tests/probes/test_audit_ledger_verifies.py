"""CS-4: the audit ledger verifies against its signed checkpoint (tampering is a critical finding)."""

from pathlib import Path

import pytest
from sqlalchemy import text

from secplan import ledger
from secplan.store.db import Store
from secplan.vocabulary import Severity

from .cases import NE, Case, N, P


def entries(n: int):
    def setup(root: Path, store: Store) -> None:
        for i in range(n):
            ledger.record(store, action="data.encrypt", obj=f"file:data/{i}.csv")
    return setup


def tampered(root: Path, store: Store) -> None:
    entries(3)(root, store)
    pg = store.dialect == "postgresql"
    with store.engine.begin() as conn:  # what someone with the database's credentials could do
        for table in ("ledger_entries", "ledger_checkpoints"):
            for name in (("append_only", "no_truncate") if pg else ("no_update", "no_delete")):
                conn.execute(text(f"DROP TRIGGER {table}_{name}" + (f" ON {table}" if pg else "")))
        conn.execute(text("UPDATE ledger_entries SET object = 'file:other.csv' WHERE seq = 2"))


CASES = [
    Case("audit-ledger-verifies", "entries under a signed checkpoint", (P,), setup=entries(3), store=True,
         says=("the audit ledger verifies: 3 entries against a signed checkpoint",)),
    Case("audit-ledger-verifies", "an entry edited in the database", (N,), setup=tampered, store=True,
         says=("the audit ledger does not verify",)),
    Case("audit-ledger-verifies", "an empty ledger", (NE,), store=True, says=("the audit ledger is empty",)),
    Case("audit-ledger-verifies", "no store yet", (NE,), says=("no secplan store yet",)),
]


@pytest.mark.parametrize("case", [c for c in CASES if not c.store], ids=str)
def test_case(case: Case, project_dir: Path) -> None:
    case.check(project_dir)


@pytest.mark.parametrize("case", [c for c in CASES if c.store], ids=str)
def test_case_on_a_store(case: Case, project_dir: Path, store: Store) -> None:
    results = case.check(project_dir, store)
    if case.fails:
        assert results[0].severity is Severity.CRITICAL
