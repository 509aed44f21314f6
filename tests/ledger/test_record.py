"""Appending: what is stored, defaults, refusals, and the key and checkpoint file outside the database."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest
from sqlalchemy import text

from secplan.errors import InputError
from secplan.ledger import Action, record, record_many, verify
from secplan.ledger.entry import GENESIS_PREV
from secplan.ledger.signing import LedgerFiles, read_mirror
from secplan.store.db import Store


def _entries(store: Store) -> list[dict]:
    with store.engine.connect() as conn:
        return [dict(r) for r in conn.execute(text("SELECT * FROM ledger_entries ORDER BY seq")).mappings()]


def test_record_stores_a_chained_entry(store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SECPLAN_ACTOR", "alice")
    assert record(store, action="keys.rotate", obj="key:prod", details={"b": 2, "a": [1, "é"]}) == 1
    assert record(store, action="data.read", obj="dataset:credit", outcome="denied", actor="bob") == 2
    first, second = _entries(store)
    assert (first["actor"], first["action"], first["object"], first["outcome"]) == ("alice", "keys.rotate", "key:prod", "success")
    assert first["details"] == '{"a":[1,"é"],"b":2}'  # canonical: sorted keys, no spaces, UTF-8
    assert first["prev_hash"] == GENESIS_PREV
    assert second["prev_hash"] == first["entry_hash"]
    assert (second["actor"], second["outcome"]) == ("bob", "denied")
    assert first["ts"].endswith("Z") and len(first["ts"]) == 27
    report = verify(store)
    assert report.ok, report.message
    assert (report.entries, report.checkpoints) == (2, 3)  # two in the database, the newest also in the file


def test_record_many_is_one_batch_under_one_checkpoint(store: Store) -> None:
    record(store, action="plan.load", obj="plan:x")
    seqs = record_many(store, [Action("data.read", f"ds:{i}", {"i": i}) for i in range(50)])
    assert seqs == list(range(2, 52))
    assert record_many(store, []) == []
    with store.engine.connect() as conn:
        sizes = [r[0] for r in conn.execute(text("SELECT tree_size FROM ledger_checkpoints ORDER BY tree_size"))]
    assert sizes == [1, 51]
    assert verify(store).ok


@pytest.mark.parametrize(
    ("kwargs", "fragment"),
    [
        ({"action": "Rotate", "obj": "k"}, "<area>.<verb>"),
        ({"action": "keys.rotate", "obj": ""}, "non-empty"),
        ({"action": "keys.rotate", "obj": "k", "outcome": "ok"}, "not one of"),
        ({"action": "keys.rotate", "obj": "k", "details": {"x": float("nan")}}, "not JSON"),
        ({"action": "keys.rotate", "obj": "k", "details": {"x": object()}}, "not JSON"),
        ({"action": "keys.rotate", "obj": "k", "details": {"new": {"password": "hunter2"}}}, "secrets never"),
        ({"action": "tokens.issue", "obj": "u", "details": {"api_token": "abc"}}, "secrets never"),
    ],
)
def test_bad_input_is_refused_and_nothing_is_written(store: Store, kwargs: dict, fragment: str) -> None:
    record(store, action="plan.load", obj="plan:x")
    with pytest.raises(InputError) as info:
        record(store, **kwargs)
    assert fragment in info.value.message
    assert "hunter2" not in info.value.message and "abc" not in info.value.message
    assert len(_entries(store)) == 1
    assert verify(store).ok


@pytest.mark.parametrize("details", [
    {"DB_PASSWORDS": ["x"]},
    {"rows": [{"ok": 1}, {"nested": {"Private_Key": "k"}}]},
    {"password\n": "x"},
    {1: {"credentials": "x"}},
])
def test_every_spelling_of_a_secret_key_is_refused(store: Store, details: dict) -> None:
    with pytest.raises(InputError, match="secrets never"):
        record(store, action="keys.rotate", obj="k", details=details)
    assert _entries(store) == []


def test_a_value_that_only_quotes_a_secret_key_is_recorded(store: Store) -> None:
    record(store, action="plan.load", obj="p", details={"note": 'the field "password": is refused', "password": ""})
    assert json.loads(_entries(store)[0]["details"])["note"] == 'the field "password": is refused'


def test_paths_and_names_that_are_not_utf8_are_recorded_escaped(store: Store) -> None:
    odd = os.fsdecode(b"data/caf\xe9.csv")  # a byte the OS allows that is not UTF-8
    record(store, action="data.read", obj=odd, details={"path": Path(odd), "files": (odd, "plain.csv"), "n": 2})
    entry = _entries(store)[0]
    assert json.loads(entry["details"]) == {"files": ["data/caf\\xe9.csv", "plain.csv"], "n": 2,
                                            "path": "data/caf\\xe9.csv"}
    assert entry["object"] == "data/caf\\xe9.csv"
    assert verify(store).ok


def test_identifiers_of_secrets_are_allowed(store: Store) -> None:
    record(store, action="tokens.issue", obj="user:ann", details={"token_id": "t-17", "key_id": "abc"})
    assert json.loads(_entries(store)[0]["details"]) == {"key_id": "abc", "token_id": "t-17"}


def test_key_and_checkpoint_file_live_outside_the_database(store: Store) -> None:
    record(store, action="plan.load", obj="plan:x")
    files = LedgerFiles.for_home(store.home)
    assert files.key.parent == store.home / "ledger"
    assert stat.S_IMODE(files.key.stat().st_mode) == 0o600
    assert stat.S_IMODE(files.mirror.stat().st_mode) == 0o600
    mirror = read_mirror(files)
    assert mirror is not None and mirror.tree_size == 1
    key_pem = files.key.read_bytes()
    with store.engine.connect() as conn:
        dumped = " ".join(str(v) for row in conn.execute(text("SELECT * FROM ledger_checkpoints")) for v in row)
    assert key_pem.decode() not in dumped and "PRIVATE" not in dumped


def test_key_path_can_be_set_by_environment(store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    key = tmp_path / "keys" / "audit.key"
    monkeypatch.setenv("SECPLAN_LEDGER_KEY", str(key))
    record(store, action="plan.load", obj="plan:x")
    assert key.exists() and (tmp_path / "keys" / "audit.key.checkpoint.json").exists()
    assert not (store.home / "ledger" / "signing.key").exists()
    assert verify(store).ok


def test_a_key_readable_by_others_is_refused(store: Store) -> None:
    record(store, action="plan.load", obj="plan:x")
    key = LedgerFiles.for_home(store.home).key
    os.chmod(key, 0o644)
    with pytest.raises(InputError, match="accessible to other users"):
        record(store, action="plan.load", obj="plan:y")
    report = verify(store)
    assert not report.ok and report.kind == "key"
    assert len(_entries(store)) == 1


def test_appends_keep_only_a_logarithmic_frontier(store: Store) -> None:
    for _ in range(3):
        record_many(store, [Action("data.read", f"ds:{i}") for i in range(20)])
    record(store, action="data.read", obj="ds:last")
    with store.engine.connect() as conn:
        rows = conn.execute(text("SELECT tree_size, frontier FROM ledger_checkpoints ORDER BY tree_size")).all()
    assert [size for size, _ in rows] == [20, 40, 60, 61]
    for size, frontier in rows:  # one subtree root per set bit of the size: O(log n) state per append
        assert len(json.loads(frontier)) == bin(size).count("1")


def test_action_prefix_filter_is_literal(store: Store) -> None:
    from secplan.ledger.query import find

    record(store, action="data_x.read", obj="a")
    record(store, action="dataxx.read", obj="b")
    record(store, action="data.read", obj="c")
    assert [e.object for e in find(store, action="data_")] == ["a"]
    assert [e.object for e in find(store, action="data%")] == []
    assert [e.object for e in find(store, action="data.")] == ["c"]
