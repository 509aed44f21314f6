"""An edited checkpoint, in the mirror file or in the database, is reported as an edited checkpoint:
the message names the checkpoint, its size and the field that does not match, never a truncation or
an entry range that does not exist ("entries 13..12"). On SQLite and PostgreSQL."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from secplan.errors import IntegrityError
from secplan.ledger import record, verify
from secplan.ledger.signing import LedgerFiles
from secplan.store.db import Store

from .conftest import Attacker

N = 12


def _fill(store: Store) -> None:
    for i in range(N):
        record(store, action="data.read", obj=f"dataset:{i}")
    assert verify(store).ok


def _edited_mirror(store: Store, edit: Callable[[dict], None]) -> Path:
    """Fill the ledger, then apply ``edit`` to its checkpoint file's JSON; returns the file."""
    _fill(store)
    mirror = LedgerFiles.for_home(store.home).mirror
    checkpoint = json.loads(mirror.read_text())
    edit(checkpoint)
    mirror.write_text(json.dumps(checkpoint))
    return mirror


def _set(name: str, value: Any) -> Callable[[dict], None]:
    return lambda cp: cp.__setitem__(name, value)


def _note_line(index: int, value: str) -> Callable[[dict], None]:
    def edit(cp: dict) -> None:
        lines = cp["note"].split("\n")
        lines[index] = value
        cp["note"] = "\n".join(lines)
    return edit


def _size_everywhere(size: int) -> Callable[[dict], None]:
    def edit(cp: dict) -> None:
        cp["tree_size"] = size
        _note_line(1, str(size))(cp)
    return edit


# (edit of the mirror's JSON, words the message must contain)
MIRROR_EDITS = {
    "size grown": (_set("tree_size", N + 1), ["size 13", "tree_size field says 13", "signed note says 12"]),
    "size far beyond": (_set("tree_size", 99), ["size 99", "signed note says 12"]),
    "size shrunk": (_set("tree_size", N - 1), ["size 11", "signed note says 12"]),
    "size and note grown": (_size_everywhere(N + 1), ["size 13", "signed note does not verify"]),
    "size and note shrunk": (_size_everywhere(N - 2), ["size 10", "signed note does not verify"]),
    "root": (_set("root_hash", "ab" * 32), ["size 12", "root_hash field differs"]),
    "signature": (_set("signature", "00" * 64), ["size 12", "signature field differs"]),
    "key id": (_set("key_id", "deadbeef"), ["names key deadbeef"]),
    "note root": (_note_line(2, "A" * 43 + "="), ["signed note does not verify"]),
    "note origin": (_note_line(0, "secplan.ledger/someone-else"), ["signed note does not verify"]),
    "note signature": (_note_line(4, "\u2014 x AAAA"), ["signed note does not verify"]),
    "note removed": (lambda cp: cp.pop("note"), ["signed note is missing"]),
    "size zero": (_set("tree_size", 0), ["tree_size must be a whole number", "not 0"]),
    "size negative": (_set("tree_size", -3), ["tree_size must be a whole number"]),
    "size as text": (_set("tree_size", "12"), ["tree_size must be a whole number", "'12'"]),
    "size boolean": (_set("tree_size", True), ["tree_size must be a whole number"]),
    "root not hex": (_set("root_hash", "zz" * 32), ["root_hash must be 64 hexadecimal digits"]),
    "signature missing": (lambda cp: cp.pop("signature"), ["signature must be a string"]),
    "note not text": (_set("note", ["x"]), ["note must be a string"]),
}


@pytest.mark.parametrize("edit,words", MIRROR_EDITS.values(), ids=MIRROR_EDITS.keys())
def test_an_edited_checkpoint_file_is_named_with_what_does_not_match(
    store: Store, edit: Callable[[dict], None], words: list[str]
) -> None:
    mirror = _edited_mirror(store, edit)
    report = verify(store)
    assert (report.ok, report.kind, report.first_bad) == (False, "checkpoint", None), report.message
    assert str(mirror) in report.message
    for word in words:
        assert word in report.message
    assert "missing:" not in report.message and f"entries {N + 1}..{N}" not in report.message


@pytest.mark.parametrize("raw,words", [
    ("{not json", ["is not JSON"]),
    ("[]", ["expected a JSON object", "list"]),
    ("12", ["expected a JSON object", "int"]),
])
def test_a_checkpoint_file_that_is_not_a_checkpoint_says_so(store: Store, raw: str, words: list[str]) -> None:
    _fill(store)
    LedgerFiles.for_home(store.home).mirror.write_text(raw)
    report = verify(store)
    assert (report.ok, report.kind) == (False, "checkpoint")
    assert all(word in report.message for word in words), report.message


DB_EDITS = {
    "newest size grown": (f"UPDATE ledger_checkpoints SET tree_size = {N + 1} WHERE tree_size = {N}",
                          None, [f"size {N + 1} in the database", f"ledger ends at {N}", "signed note says 12"]),
    "older size moved beyond the end": ("UPDATE ledger_checkpoints SET tree_size = 40 WHERE tree_size = 5",
                                        None, ["size 40 in the database", "signed note says 5"]),
    "older root": ("UPDATE ledger_checkpoints SET root_hash = '" + "0" * 64 + "' WHERE tree_size = 5",
                   5, ["size 5 in the database", "root_hash field differs"]),
    "older note removed": ("UPDATE ledger_checkpoints SET note = NULL WHERE tree_size = 5",
                           5, ["size 5 in the database", "signed note is missing"]),
    "newest signature": ("UPDATE ledger_checkpoints SET signature = '" + "0" * 128 + f"' WHERE tree_size = {N}",
                         N, [f"size {N} in the database", "signature field differs"]),
}


@pytest.mark.parametrize("sql,first_bad,words", DB_EDITS.values(), ids=DB_EDITS.keys())
def test_an_edited_database_checkpoint_is_named_not_taken_for_a_truncation(
    store: Store, attacker: Attacker, sql: str, first_bad: int | None, words: list[str]
) -> None:
    _fill(store)
    attacker.sql(sql)
    report = verify(store)
    assert (report.ok, report.kind) == (False, "checkpoint"), report.message
    assert report.first_bad == first_bad
    for word in words:
        assert word in report.message
    assert f"entries {N + 1}..{N}" not in report.message


def test_a_genuine_truncation_is_still_a_truncation(store: Store, attacker: Attacker) -> None:
    _fill(store)
    attacker.sql("DELETE FROM ledger_entries WHERE seq > 9")
    attacker.sql("DELETE FROM ledger_checkpoints WHERE tree_size > 9")
    report = verify(store)
    assert (report.ok, report.kind, report.first_bad) == (False, "truncated", 10), report.message
    assert f"covers {N} entries and the ledger ends at 9" in report.message


@pytest.mark.parametrize("edit,words", [MIRROR_EDITS["size grown"], MIRROR_EDITS["root"], MIRROR_EDITS["size shrunk"]],
                         ids=["size grown", "root", "size shrunk"])
def test_appending_after_the_checkpoint_file_was_edited_names_the_edit(
    store: Store, edit: Callable[[dict], None], words: list[str]
) -> None:
    mirror = _edited_mirror(store, edit)
    with pytest.raises(IntegrityError) as caught:
        record(store, action="plan.load", obj="plan:x")
    assert str(mirror) in caught.value.message and "entries were deleted" not in caught.value.message
    assert all(word in caught.value.message for word in words[1:]), caught.value.message


def test_the_checkpoint_file_is_rewritten_in_place_without_stale_bytes(store: Store) -> None:
    _fill(store)
    mirror = LedgerFiles.for_home(store.home).mirror
    inode = mirror.stat().st_ino
    mirror.write_text(mirror.read_text().rstrip() + " " * 9000 + "\n")  # longer than any checkpoint
    record(store, action="plan.load", obj="plan:x")
    text = mirror.read_text()
    assert mirror.stat().st_ino == inode and json.loads(text)["tree_size"] == N + 1
    assert text[text.rindex("}") + 1:].strip() == "" and oct(mirror.stat().st_mode & 0o777) == "0o600"
    assert verify(store).ok
