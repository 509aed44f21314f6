"""`audit verify --export FILE --key KEY`: an auditor checks an export with the file and the public key
alone. Each kind of edit is named; a file that is not an export is exit 2 naming the line."""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from secplan.cli.app import app
from secplan.errors import InputError
from secplan.ledger import Action, export, record, record_many
from secplan.ledger.entry import GENESIS_PREV, canonical_bytes, canonical_json
from secplan.ledger.merkle import leaf_hash
from secplan.ledger.note import vkey
from secplan.ledger.offline import read_key, verify_export
from secplan.ledger.signing import LedgerFiles, load_signer
from secplan.store.db import Store


@pytest.fixture
def exported(store: Store, tmp_path: Path) -> tuple[list[dict], str]:
    """The export of a ledger of 12 entries (single and batched appends) as records, and its key in hex."""
    for i in range(7):
        record(store, action="data.read", obj=f"dataset:{i}", details={"rows": i})
    record_many(store, [Action("model.scan", f"model:m{i}") for i in range(5)])
    out = io.StringIO()
    export(store, out)
    records = [json.loads(line) for line in out.getvalue().splitlines()]
    return records, records[0]["public_key"]


def _write(tmp_path: Path, records: list[dict]) -> Path:
    path = tmp_path / "ledger.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in records))
    return path


def _entry(records: list[dict], seq: int) -> dict:
    return next(r for r in records if r.get("type") == "entry" and r["seq"] == seq)


def _rehash(records: list[dict]) -> None:
    """What someone without the key can do: recompute every entry hash after an edit."""
    prev = GENESIS_PREV
    for r in records[1:]:
        if r["type"] == "entry":
            r["prev_hash"] = prev
            r["entry_hash"] = prev = leaf_hash(canonical_bytes(
                r["seq"], r["timestamp"], r["actor"], r["action"], r["object"], canonical_json(r["details"]),
                r["outcome"], prev)).hex()


def test_an_untouched_export_verifies_with_the_key_in_every_form(exported, tmp_path: Path, store: Store) -> None:
    records, key = exported
    path = _write(tmp_path, records)
    report = verify_export(path, read_key(key))
    assert report.ok and report.entries == 12 and report.checkpoints >= 2 and report.warnings == []
    public = load_signer(LedgerFiles.for_home(store.home)).public_key
    pem = tmp_path / "ledger.pub"
    pem.write_bytes(public.pem())
    origin = records[-1]["note"].split("\n", 1)[0]
    for given in (pem, vkey(origin, public)):
        assert verify_export(path, read_key(str(given))).root_hash == report.root_hash


def test_without_a_key_the_report_says_the_key_came_from_the_file(exported, tmp_path: Path) -> None:
    report = verify_export(_write(tmp_path, exported[0]))
    assert report.ok and "taken from the export itself" in report.warnings[0]


def _edit_field(seq: int, field: str, value) -> Callable[[list[dict]], None]:
    return lambda records: _entry(records, seq).__setitem__(field, value)


def _rewrite(seq: int) -> Callable[[list[dict]], None]:
    def edit(records: list[dict]) -> None:
        _entry(records, seq)["object"] = "dataset:forged"
        _rehash(records)
    return edit


def _drop_entry(seq: int) -> Callable[[list[dict]], None]:
    return lambda records: records.remove(_entry(records, seq))


def _drop_tail(records: list[dict]) -> None:
    while records[-1]["type"] == "checkpoint":
        records.pop()


def _other_key(records: list[dict]) -> None:
    records[0]["public_key"] = "ab" * 32


# (edit, kind, first bad entry, words in the message)
TAMPERING = {
    "object edited": (_edit_field(3, "object", "dataset:x"), "modified", 3, ["entry 3"]),
    "actor edited": (_edit_field(9, "actor", "mallory"), "modified", 9, ["entry 9"]),
    "details edited": (_edit_field(2, "details", {"rows": 99}), "modified", 2, ["entry 2"]),
    "outcome edited": (_edit_field(5, "outcome", "denied"), "modified", 5, ["entry 5"]),
    "timestamp edited": (_edit_field(1, "timestamp", "2020-01-01T00:00:00.000000Z"), "modified", 1, ["entry 1"]),
    "rewritten with hashes": (_rewrite(4), "rewritten", 4, ["signed checkpoint at size 4", "export (line"]),
    "rewritten inside a batch": (_rewrite(10), "rewritten", 8, ["at or after entry 8"]),
    "entry removed": (_drop_entry(6), "missing", 6, ["entry 6 is missing"]),
    "checkpoints after the last entries removed": (_drop_tail, "unsigned", 8, ["entry 8 is not covered"]),
}


@pytest.mark.parametrize("edit,kind,first_bad,words", TAMPERING.values(), ids=TAMPERING.keys())
def test_tampering_with_an_export_is_named(exported, tmp_path: Path, edit, kind: str, first_bad: int,
                                           words: list[str]) -> None:
    records, key = exported
    edit(records)
    report = verify_export(_write(tmp_path, records), read_key(key))
    assert (report.ok, report.kind, report.first_bad) == (False, kind, first_bad), report.message
    assert all(word in report.message for word in words), report.message


def test_an_export_signed_by_another_key_is_refused(exported, tmp_path: Path) -> None:
    records, key = exported
    _other_key(records)
    report = verify_export(_write(tmp_path, records), read_key(key))
    assert (report.ok, report.kind) == (False, "key") and "not the key given" in report.message


def test_an_edited_checkpoint_in_an_export_is_named(exported, tmp_path: Path) -> None:
    records, key = exported
    checkpoint = next(r for r in records if r["type"] == "checkpoint" and r["tree_size"] == 3)
    checkpoint["root_hash"] = "00" * 32
    report = verify_export(_write(tmp_path, records), read_key(key))
    assert (report.ok, report.kind, report.first_bad) == (False, "checkpoint", 3)
    assert "size 3 in the export (line" in report.message and "root_hash field differs" in report.message


UNUSABLE = {
    "empty": (lambda lines: [], "is empty"),
    "not JSON": (lambda lines: [lines[0], "{oops\n", *lines[2:]], "line 2 is not JSON"),
    "not an object": (lambda lines: [lines[0], "[1, 2]\n", *lines[2:]], "line 2 is a JSON list"),
    "other format": (lambda lines: ['{"type": "something"}\n', *lines[1:]], "not a secplan ledger export header"),
    "future version": (lambda lines: [lines[0].replace('"version": 1', '"version": 9'), *lines[1:]],
                       "format version 9"),
    "cut mid-line": (lambda lines: [*lines[:5], lines[5][:40]], "line 6 is cut short"),
    "unknown record": (lambda lines: [*lines[:3], '{"type": "note"}\n', *lines[3:]], "line 4 has type 'note'"),
    "seq as text": (lambda lines: [lines[0], lines[1].replace('"seq": 1', '"seq": "1"'), *lines[2:]],
                    "line 2 is an entry whose seq"),
    "checkpoint moved up": (lambda lines: [lines[0], lines[1], lines[-1], *lines[2:-1]],
                            "out of place"),
    "deep nesting": (lambda lines: [lines[0], "[" * 100_000 + "]" * 100_000 + "\n", *lines[2:]], "line 2"),
    "not UTF-8": (lambda lines: [lines[0], '{"type": "entry", "x": "\udcff"}\n', *lines[2:]], "line 2"),
}


@pytest.mark.parametrize("edit,words", UNUSABLE.values(), ids=UNUSABLE.keys())
def test_a_file_that_is_not_a_usable_export_names_its_line(exported, tmp_path: Path, edit, words: str) -> None:
    records, key = exported
    lines = edit([json.dumps(r) + "\n" for r in records])
    path = tmp_path / "ledger.jsonl"
    path.write_bytes("".join(lines).encode("utf-8", "surrogateescape"))
    with pytest.raises(InputError) as caught:
        verify_export(path, read_key(key))
    assert words in caught.value.message and str(path) in caught.value.message


def test_the_command_exits_1_on_tampering_and_2_on_a_bad_file(exported, tmp_path: Path) -> None:
    records, key = exported
    runner = CliRunner()
    path = _write(tmp_path, records)
    ok = runner.invoke(app, ["audit", "verify", "--export", str(path), "--key", key])
    assert ok.exit_code == 0 and "ledger ok: 12 entries" in ok.output
    _entry(records, 2)["object"] = "dataset:forged"
    bad = runner.invoke(app, ["audit", "verify", "--export", str(_write(tmp_path, records)), "--key", key])
    assert bad.exit_code == 1 and "ledger entry 2 is not authentic (modified)" in bad.output
    (tmp_path / "junk.jsonl").write_text("junk\n")
    junk = runner.invoke(app, ["audit", "verify", "--export", str(tmp_path / "junk.jsonl"), "--key", key])
    assert junk.exit_code == 2 and "line 1 is not JSON" in junk.output
    wrong = runner.invoke(app, ["audit", "verify", "--export", str(path), "--key", "not-a-key"])
    assert wrong.exit_code == 2 and "--key must be" in wrong.output
    alone = runner.invoke(app, ["audit", "verify", "--key", key])
    assert alone.exit_code == 2 and "give --export FILE" in alone.output
