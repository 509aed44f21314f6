"""Fuzzing the offline check of a ledger export: any file gives a report or a clear InputError naming
the file, never another exception; a file that verifies has one of the ledger's signed roots."""

from __future__ import annotations

import io
import json
import tempfile
from pathlib import Path

import pytest
from hypothesis import given

from secplan.errors import InputError
from secplan.ledger import Action, export, record, record_many
from secplan.ledger.offline import verify_export
from secplan.store.db import Store
from tests.fuzz.mutate import FUZZ, mutated


def _seed() -> tuple[bytes, dict[int, str]]:
    """An export of 9 entries, and the signed root at each checkpoint size."""
    with tempfile.TemporaryDirectory() as tmp:
        store = Store.for_project(Path(tmp))
        for i in range(5):
            record(store, action="data.read", obj=f"dataset:{i}", details={"rows": [i, {"n": i}]})
        record_many(store, [Action("model.scan", f"model:m{i}") for i in range(4)])
        out = io.StringIO()
        export(store, out)
        store.dispose()
    roots = {c["tree_size"]: c["root_hash"] for c in map(json.loads, out.getvalue().splitlines())
             if c["type"] == "checkpoint"}
    return out.getvalue().encode(), roots


SEED, SIGNED_ROOTS = _seed()


@FUZZ
@given(mutated([SEED]))
def test_fuzz_ledger_export(data: bytes) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "ledger.jsonl"
        path.write_bytes(data)
        try:
            report = verify_export(path)
        except InputError as exc:
            assert str(path) in exc.message, exc.message
            return
        if report.ok:  # only the ledger's own signed states verify, whatever else the edit changed
            assert SIGNED_ROOTS.get(report.tree_size) == report.root_hash


def test_the_seed_verifies() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "ledger.jsonl"
        path.write_bytes(SEED)
        assert verify_export(path).ok and verify_export(path).tree_size == max(SIGNED_ROOTS)
        path.write_bytes(b"")
        with pytest.raises(InputError, match="is empty"):
            verify_export(path)
