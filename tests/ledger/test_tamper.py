"""Every kind of tampering, by someone with full database access (triggers dropped) but not the key
folder, is caught by ``verify``, which names the first entry it touched; on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest

from secplan.errors import IntegrityError
from secplan.ledger import Action, record, record_many, verify
from secplan.ledger.entry import canonical_bytes
from secplan.ledger.merkle import leaf_hash
from secplan.ledger.signing import LedgerFiles
from secplan.store.db import Store

from .conftest import Attacker

N = 10


def _fill(store: Store, *, batched: bool = False) -> None:
    actions = [Action("data.read", f"dataset:{i}", {"rows": i}, actor=f"user{i % 3}") for i in range(1, N + 1)]
    if batched:
        record_many(store, actions)
    else:
        for a in actions:
            record(store, action=a.action, obj=a.obj, details=a.details, actor=a.actor)
    assert verify(store).ok


def _shift(attacker: Attacker, above: int, by: int) -> None:
    """Renumber entries with seq > ``above`` by ``by`` (through negatives, to dodge the primary key)."""
    attacker.sql("UPDATE ledger_entries SET seq = -seq WHERE seq > :a", a=above)
    attacker.sql("UPDATE ledger_entries SET seq = -seq + :b WHERE seq < 0", b=by)


def _hash_of(row: dict, prev: str) -> str:
    data = canonical_bytes(row["seq"], row["ts"], row["actor"], row["action"], row["object"], row["details"],
                           row["outcome"], prev)
    return leaf_hash(data).hex()


def edit_content(a: Attacker) -> None:
    a.sql("UPDATE ledger_entries SET details = :d WHERE seq = 5", d='{"rows":9999}')


def edit_actor_and_its_hash(a: Attacker) -> None:
    a.sql("UPDATE ledger_entries SET actor = 'mallory' WHERE seq = 5")
    row = next(r for r in a.rows() if r["seq"] == 5)
    a.sql("UPDATE ledger_entries SET entry_hash = :h WHERE seq = 5", h=_hash_of(row, row["prev_hash"]))


def rewrite_and_rechain(a: Attacker) -> None:
    a.sql("UPDATE ledger_entries SET outcome = 'failure' WHERE seq = 5")
    a.rehash_from(5)


def rewrite_rechain_and_drop_checkpoints(a: Attacker) -> None:
    rewrite_and_rechain(a)
    a.sql("DELETE FROM ledger_checkpoints WHERE tree_size >= 5")


def edit_stored_hash_only(a: Attacker) -> None:
    a.sql("UPDATE ledger_entries SET entry_hash = :h WHERE seq = 5", h="ab" * 32)


def delete_middle(a: Attacker) -> None:
    a.sql("DELETE FROM ledger_entries WHERE seq = 5")


def delete_middle_and_renumber(a: Attacker) -> None:
    a.sql("DELETE FROM ledger_entries WHERE seq = 5")
    _shift(a, 5, -1)
    a.rehash_from(5)
    a.sql("DELETE FROM ledger_checkpoints WHERE tree_size = 10")


def insert_middle(a: Attacker) -> None:
    _shift(a, 4, 1)
    a.sql(
        "INSERT INTO ledger_entries (seq, ts, actor, action, object, details, outcome, prev_hash, entry_hash) "
        "SELECT 5, ts, 'mallory', 'data.export', 'dataset:all', '{}', 'success', '', '' FROM ledger_entries WHERE seq = 4"
    )
    a.rehash_from(5)


def insert_at_end(a: Attacker) -> None:
    rows = a.rows()
    row = dict(rows[-1], seq=N + 1, actor="mallory", object="dataset:all")
    row["prev_hash"] = rows[-1]["entry_hash"]
    row["entry_hash"] = _hash_of(row, row["prev_hash"])
    a.sql(
        "INSERT INTO ledger_entries (seq, ts, actor, action, object, details, outcome, prev_hash, entry_hash) "
        "VALUES (:seq, :ts, :actor, :action, :object, :details, :outcome, :prev_hash, :entry_hash)",
        **row,
    )


def swap(a: Attacker) -> None:
    a.sql("UPDATE ledger_entries SET seq = -1 WHERE seq = 4")
    a.sql("UPDATE ledger_entries SET seq = 4 WHERE seq = 6")
    a.sql("UPDATE ledger_entries SET seq = 6 WHERE seq = -1")


def swap_and_rechain(a: Attacker) -> None:
    swap(a)
    a.rehash_from(4)


def truncate_entries_and_checkpoints(a: Attacker) -> None:
    a.sql("DELETE FROM ledger_entries WHERE seq >= 8")
    a.sql("DELETE FROM ledger_checkpoints WHERE tree_size >= 8")


def truncate_entries_only(a: Attacker) -> None:
    a.sql("DELETE FROM ledger_entries WHERE seq >= 8")


def empty_everything(a: Attacker) -> None:
    a.sql("DELETE FROM ledger_entries")
    a.sql("DELETE FROM ledger_checkpoints")


def forge_checkpoint(a: Attacker) -> None:
    a.sql("UPDATE ledger_checkpoints SET signature = :s WHERE tree_size = 7", s="00" * 64)


CASES = [
    (edit_content, 5, "modified"),
    (edit_actor_and_its_hash, 5, "rewritten"),
    (rewrite_and_rechain, 5, "rewritten"),
    (rewrite_rechain_and_drop_checkpoints, 5, "rewritten"),
    (edit_stored_hash_only, 5, "modified"),
    (delete_middle, 5, "missing"),
    (delete_middle_and_renumber, 5, "rewritten"),
    (insert_middle, 5, "rewritten"),
    (insert_at_end, N + 1, "unsigned"),
    (swap, 4, "modified"),
    (swap_and_rechain, 4, "rewritten"),
    (truncate_entries_and_checkpoints, 8, "truncated"),
    (truncate_entries_only, 8, "truncated"),
    (empty_everything, 1, "truncated"),
    (forge_checkpoint, 7, "checkpoint"),
]


@pytest.mark.parametrize(("tamper", "first_bad", "kind"), CASES, ids=[c[0].__name__ for c in CASES])
def test_tampering_is_caught_and_the_first_bad_entry_named(
    store: Store, attacker: Attacker, tamper, first_bad: int, kind: str
) -> None:
    _fill(store)
    tamper(attacker)
    report = verify(store)
    assert not report.ok
    assert (report.first_bad, report.kind) == (first_bad, kind), report.message
    assert str(first_bad) in report.message


@pytest.mark.parametrize("tamper", [truncate_entries_and_checkpoints, truncate_entries_only, empty_everything])
def test_appends_refuse_to_build_on_a_truncated_ledger(store: Store, attacker: Attacker, tamper) -> None:
    _fill(store)
    tamper(attacker)
    with pytest.raises(IntegrityError):
        record(store, action="plan.load", obj="plan:x")
    assert not verify(store).ok


@pytest.mark.parametrize(("tamper", "first_bad"), [(edit_content, 5), (rewrite_and_rechain, 5), (delete_middle, 5)])
def test_later_appends_do_not_hide_tampering(store: Store, attacker: Attacker, tamper, first_bad: int) -> None:
    _fill(store)
    tamper(attacker)
    record_many(store, [Action("plan.load", "plan:x"), Action("plan.load", "plan:y")])
    report = verify(store)
    assert (report.ok, report.first_bad) == (False, first_bad)


def test_edit_inside_a_batch_is_named_exactly_when_hashes_were_left(store: Store, attacker: Attacker) -> None:
    _fill(store, batched=True)
    edit_content(attacker)
    report = verify(store)
    assert (report.ok, report.first_bad, report.kind) == (False, 5, "modified")


def test_rewrite_inside_a_batch_is_bounded_by_the_checkpoint(store: Store, attacker: Attacker) -> None:
    # With hashes recomputed, one checkpoint per batch can only say which batch changed.
    _fill(store, batched=True)
    rewrite_and_rechain(attacker)
    report = verify(store)
    assert (report.ok, report.first_bad, report.kind) == (False, 1, "rewritten")
    assert "1..10" in report.message


def test_missing_key_fails_verification(store: Store) -> None:
    _fill(store)
    LedgerFiles.for_home(store.home).key.unlink()
    report = verify(store)
    assert (report.ok, report.kind) == (False, "key")
    with pytest.raises(IntegrityError, match="missing"):
        record(store, action="plan.load", obj="plan:x")


def test_damaged_checkpoint_file_fails_verification(store: Store) -> None:
    _fill(store)
    LedgerFiles.for_home(store.home).mirror.write_text("{not json")
    report = verify(store)
    assert (report.ok, report.kind) == (False, "checkpoint")


def test_missing_checkpoint_file_is_a_warning_and_is_rewritten(store: Store) -> None:
    _fill(store)
    LedgerFiles.for_home(store.home).mirror.unlink()
    report = verify(store)
    assert report.ok and report.warnings
    record(store, action="plan.load", obj="plan:x")
    assert LedgerFiles.for_home(store.home).mirror.exists()
    assert verify(store).warnings == []


@pytest.mark.parametrize("column", ["ts", "actor", "action", "object", "details", "outcome", "prev_hash"])
def test_any_field_of_any_entry_edited_is_named(store: Store, attacker: Attacker, column: str) -> None:
    _fill(store)
    originals = {row["seq"]: row[column] for row in attacker.rows()}
    for seq in range(1, N + 1):
        forged = '{"rows":-1}' if column == "details" else ("f" * 64 if column == "prev_hash" else "x" + originals[seq][1:])
        attacker.sql(f"UPDATE ledger_entries SET {column} = :v WHERE seq = :s", v=forged, s=seq)
        report = verify(store)
        assert (report.ok, report.first_bad) == (False, seq), (column, seq, report.message)
        attacker.sql(f"UPDATE ledger_entries SET {column} = :v WHERE seq = :s", v=originals[seq], s=seq)
    assert verify(store).ok
