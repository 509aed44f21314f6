"""``secplan audit`` end to end through the real entry point: output, and exit codes 0 / 1 / 2."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from secplan.cli.app import main
from secplan.ledger import record
from secplan.store.db import Store

from .conftest import Attacker


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as info:
        main(list(argv))
    out, err = capsys.readouterr()
    return info.value.code, out, err


@pytest.fixture
def filled(store: Store) -> Store:
    record(store, action="keys.rotate", obj="key:prod", actor="alice", details={"slot": 1})
    record(store, action="keys.create", obj="key:dev", actor="bob")
    record(store, action="data.read", obj="dataset:credit", actor="alice", outcome="denied")
    return store


def test_log_filters(filled: Store, project_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "audit", "log", "-C", str(project_dir), "--format", "json", "--actor", "alice")
    assert code == 0 and [e["seq"] for e in json.loads(out)] == [1, 3]
    code, out, _ = run(capsys, "audit", "log", "-C", str(project_dir), "-f", "json", "--action", "keys.")
    assert [e["action"] for e in json.loads(out)] == ["keys.rotate", "keys.create"]
    code, out, _ = run(capsys, "audit", "log", "-C", str(project_dir), "-f", "json", "--limit", "1")
    assert [e["seq"] for e in json.loads(out)] == [3]
    code, out, _ = run(capsys, "audit", "log", "-C", str(project_dir), "-f", "json", "--since", "2999-01-01")
    assert json.loads(out) == []
    code, out, _ = run(capsys, "audit", "log", "-C", str(project_dir), "-f", "json", "--since", "2000-01-01T00:00:00Z")
    assert len(json.loads(out)) == 3
    code, out, _ = run(capsys, "audit", "log", "-C", str(project_dir))
    assert code == 0 and "alice" in out and "bob" in out and "denied" in out


def test_log_with_a_bad_date_is_a_usage_error(filled: Store, project_dir: Path, capsys) -> None:
    code, out, err = run(capsys, "audit", "log", "-C", str(project_dir), "--since", "yesterday")
    assert code == 2 and "--since" in err and "Traceback" not in err and out == ""


def test_verify_exit_codes(filled: Store, project_dir: Path, capsys, attacker: Attacker) -> None:
    code, out, _ = run(capsys, "audit", "verify", "-C", str(project_dir))
    assert code == 0 and "3 entries" in out
    attacker.sql("UPDATE ledger_entries SET actor = 'mallory' WHERE seq = 2")
    code, _, err = run(capsys, "audit", "verify", "-C", str(project_dir))
    assert code == 1 and "ledger entry 2" in err and "Traceback" not in err
    code, out, _ = run(capsys, "audit", "verify", "-C", str(project_dir), "-f", "json")
    assert code == 1 and json.loads(out)["first_bad"] == 2


def test_verify_catches_truncation(filled: Store, project_dir: Path, capsys, attacker: Attacker) -> None:
    attacker.sql("DELETE FROM ledger_entries WHERE seq = 3")
    attacker.sql("DELETE FROM ledger_checkpoints WHERE tree_size = 3")
    code, _, err = run(capsys, "audit", "verify", "-C", str(project_dir))
    assert code == 1 and "ledger entry 3" in err and "truncated" in err


def test_proof(filled: Store, project_dir: Path, capsys) -> None:
    code, out, _ = run(capsys, "audit", "proof", "2", "-C", str(project_dir), "-f", "json")
    doc = json.loads(out)
    assert code == 0 and doc["seq"] == 2 and doc["tree_size"] == 3 and len(doc["audit_path"]) == 2
    code, out, err = run(capsys, "audit", "proof", "9", "-C", str(project_dir))
    assert code == 2 and "entry 9 does not exist" in err and out == ""


def test_consistency(filled: Store, project_dir: Path, capsys) -> None:
    from secplan.crypto.keys.signer import FileSigner
    from secplan.ledger import ConsistencyProof, verify_consistency_proof
    from secplan.ledger.signing import Checkpoint, LedgerFiles

    code, out, _ = run(capsys, "audit", "consistency", "1", "-C", str(project_dir), "-f", "json")
    doc = json.loads(out)
    assert code == 0 and (doc["old_size"], doc["tree_size"]) == (1, 3) and doc["old_checkpoint"]["tree_size"] == 1
    proof = ConsistencyProof(doc["old_size"], doc["old_root"], doc["consistency_path"], Checkpoint(**doc["checkpoint"]),
                             doc["public_key"], Checkpoint(**doc["old_checkpoint"]))
    assert verify_consistency_proof(proof, FileSigner(LedgerFiles.for_home(filled.home).key).public_key)
    code, out, _ = run(capsys, "audit", "consistency", "2", "-C", str(project_dir))
    assert code == 0 and "consistency proof 2 -> 3" in out
    code, out, err = run(capsys, "audit", "consistency", "4", "-C", str(project_dir))
    assert code == 2 and "no consistency proof from size 4" in err and out == ""


def test_export_to_a_file(filled: Store, project_dir: Path, tmp_path: Path, capsys) -> None:
    target = tmp_path / "audit.jsonl"
    code, out, _ = run(capsys, "audit", "export", "-C", str(project_dir), "-o", str(target))
    assert code == 0 and out == ""
    kinds = [json.loads(line)["type"] for line in target.read_text().splitlines()]
    assert kinds == ["secplan-ledger", "entry", "checkpoint", "entry", "checkpoint", "entry", "checkpoint"]
    code, out, _ = run(capsys, "audit", "export", "-C", str(project_dir))
    assert code == 0 and out == target.read_text()


def test_no_store_is_an_input_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    monkeypatch.delenv("SECPLAN_DATABASE_URL", raising=False)
    code, _, err = run(capsys, "audit", "verify", "-C", str(tmp_path))
    assert code == 2 and "no secplan store" in err
    assert not (tmp_path / ".secplan").exists()
