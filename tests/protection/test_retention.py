"""Retention end to end: the dry run deletes nothing, apply deletes and crypto-shreds unused keys with
evidence in the ledger, backups holding copies are named, and the CS-3 probe follows the engine."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import pytest

from secplan.ledger.query import find
from secplan.store.db import Store
from secplan.vocabulary import Outcome
from tests.probes.helpers import run_probe

from .conftest import run, write_plan

DAY = 86400


def _age(path: Path, days: int) -> None:
    then = time.time() - days * DAY
    os.utime(path, (then, then))


def _encrypt(capsys, rel: str, key: str) -> None:
    code, _, err = run(capsys, "encrypt", rel, "--key", key)
    assert code == 0, err
    os.unlink(rel)


@pytest.fixture
def aged(project: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    """data/features.bin.enc under its own key, data/more.bin.enc and models/model.bin.enc sharing one,
    every data/ file 60 days old (retention 30)."""
    for name in ("old-data", "shared-key"):
        assert run(capsys, "keys", "create", name)[0] == 0
    (project / "data" / "more.bin").write_bytes(os.urandom(10_000))
    _encrypt(capsys, "data/features.bin", "old-data")
    _encrypt(capsys, "data/more.bin", "shared-key")
    _encrypt(capsys, "models/model.bin", "shared-key")
    for f in (project / "data").iterdir():
        _age(f, 60)
    return project


def test_plan_then_apply_deletes_shreds_and_evidences(store: Store, aged: Path, tmp_path: Path,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    project = aged
    assert run(capsys, "backup", "init")[0] == 0
    assert run(capsys, "backup", "create")[0] == 0
    due = ["data/features.bin.enc", "data/more.bin.enc", "data/train.csv"]

    code, out, err = run(capsys, "retention", "plan", "-f", "json")
    assert code == 0, err
    plan = json.loads(out)
    assert sorted(d["path"] for d in plan["due"]) == due
    assert all(d["overdue_days"] == 30 and d["basis"] == "asset" for d in plan["due"])
    assert plan["would_shred"] == {"old-data@v1": ["data/features.bin.enc"]}
    assert plan["keys_kept"] == {"shared-key@v1": "still wraps 1 other live file(s)"}
    assert all(len(plan["backups"][p]) == 1 for p in due)
    assert all((project / p).exists() for p in due)  # a dry run
    negatives = run_probe("retention-overdue", project)
    assert sorted(r.location.path for r in negatives if r.outcome == Outcome.NEGATIVE) == due

    code, _, err = run(capsys, "retention", "apply")
    assert code == 2 and "use --yes" in err and "nothing deleted" in err
    assert all((project / p).exists() for p in due)

    code, out, err = run(capsys, "retention", "apply", "--yes", "-f", "json")
    assert code == 0, err
    result = json.loads(out)
    assert sorted(result["deleted"]) == due and result["failed"] == {}
    assert result["shredded"] == ["old-data@v1"] and result["shredded_files"] == ["data/features.bin.enc"]
    assert not any((project / p).exists() for p in due)
    assert (project / "models" / "model.bin.enc").exists()

    code, out, _ = run(capsys, "keys", "list", "-f", "json")
    states = {k["id"]: k["state"] for k in json.loads(out)}
    assert states["old-data@v1"] == "destroyed" and states["shared-key@v1"] == "active"
    assert states["backup@v1"] == "active"
    # the model still decrypts: its key was kept
    code, _, err = run(capsys, "decrypt", "models/model.bin.enc", "-o", str(tmp_path / "model.bin"))
    assert code == 0, err

    deletions = find(store, action="retention.delete")
    assert sorted(json.loads(e.details)["sha256"] and e.object for e in deletions) == [f"file:{p}" for p in due]
    assert all(e.actor == "alice" and e.outcome == "success" for e in deletions)
    assert [e.object for e in find(store, action="retention.shred")] == ["key:old-data@v1"]
    assert "key:old-data@v1" in [e.object for e in find(store, action="keys.destroy")]

    (project / "data" / "fresh.csv").write_text("a\n1\n")
    results = run_probe("retention-overdue", project)
    assert [r.outcome for r in results] == [Outcome.POSITIVE]
    assert "3 deletion(s) and 1 crypto-shred(s)" in results[0].message


def test_table_output_says_where_backups_hold_copies(sqlite_store: Store, aged: Path,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, "backup", "init")[0] == 0
    assert run(capsys, "backup", "create")[0] == 0
    code, _, err = run(capsys, "retention", "apply", "--yes")
    assert code == 0, err
    flat = " ".join(err.split())
    assert "crypto-shredded: destroyed key old-data@v1" in flat
    assert "data/features.bin.enc in snapshot(s)" in flat and "ciphertext under a destroyed key" in flat
    assert "readable copy of data/train.csv" in flat
    assert "key shared-key@v1 kept: still wraps 1 other live file(s)" in flat


def test_classification_periods_and_missing_periods(sqlite_store: Store, project: Path,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    doc = {"version": 1, "project": {"name": "p"},
           "assets": [{"path": "data/train.csv", "classification": "confidential"},
                      {"path": "data/features.bin"}],
           "policy": {"retention": {"days_by_classification": {"confidential": 10}},
                      "approvals": {"two_person_rule": []}}}
    import yaml

    (project / "secplan.yaml").write_text(yaml.safe_dump(doc))
    _age(project / "data" / "train.csv", 11)
    _age(project / "data" / "features.bin", 400)
    code, out, err = run(capsys, "retention", "plan", "-f", "json")
    assert code == 0, err
    plan = json.loads(out)
    assert [(d["path"], d["basis"], d["overdue_days"]) for d in plan["due"]] == [
        ("data/train.csv", "classification:confidential", 1)]
    assert plan["no_retention_period"] == ["data/features.bin"]
    assert "no backup repository is declared" in plan["backups_note"]
    _age(project / "data" / "train.csv", 9)
    code, out, _ = run(capsys, "retention", "apply", "--yes", "-f", "json")
    assert code == 0 and json.loads(out)["deleted"] == []
    assert (project / "data" / "train.csv").exists()


def test_bad_plan_is_a_clear_error(sqlite_store: Store, project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write_plan(project, retention={"days_by_classification": {"secret-ish": 3}})
    code, _, err = run(capsys, "retention", "plan")
    assert code == 2 and "secplan.yaml" in err and "Traceback" not in err


def test_deletion_needs_a_second_person_when_the_plan_says_so(store: Store, project: Path,
                                                              capsys: pytest.CaptureFixture[str],
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    import datetime as dt

    from secplan.human import accounts, approvals

    write_plan(project, approvals={"two_person_rule": ["data.delete"]})
    _age(project / "data" / "train.csv", 60)
    code, out, _ = run(capsys, "retention", "plan", "-f", "json")
    assert json.loads(out)["approvals_needed"] == ["data.delete dataset:data"]
    code, _, err = run(capsys, "retention", "apply", "--yes")
    assert code == 3 and "dataset:data" in err and "secplan request create data.delete dataset:data" in err
    assert (project / "data" / "train.csv").exists()
    assert [e.object for e in find(store, action="access.deny")] == ["dataset:data"]

    accounts.add_user(store, "bob")
    accounts.grant_role(store, "bob", "security-officer")
    token = accounts.create_token(store, "bob", expires=dt.date.today() + dt.timedelta(days=1)).token
    request_id = approvals.request(store, "data.delete", "dataset:data", "retention period over")
    monkeypatch.setenv("SECPLAN_TOKEN", token)
    approvals.decide(store, request_id)
    monkeypatch.delenv("SECPLAN_TOKEN")

    code, out, err = run(capsys, "retention", "apply", "--yes", "-f", "json")
    assert code == 0, err
    assert json.loads(out)["deleted"] == ["data/train.csv"]
    [used] = find(store, action="approval.use")
    [deleted] = find(store, action="data.delete")
    assert deleted.object == "dataset:data" and json.loads(deleted.details)["approval"] == request_id
    assert json.loads(used.details)["target"] == "dataset:data"
    # the approval was used once: the next deletion needs a new one
    _age(project / "data" / "features.bin", 60)
    assert run(capsys, "retention", "apply", "--yes")[0] == 3
