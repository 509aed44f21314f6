"""Backups end to end with a real restic: verify catches a flipped byte, drills restore and compare,
the password stays wrapped, runs reach the store, the ledger and the DS-5 probes."""

from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path

import pytest
from sqlalchemy import select

from secplan.data.backup.records import BackupRepositoryRow, BackupRunRow
from secplan.ledger.query import find
from secplan.store.db import Store
from secplan.vocabulary import Outcome
from tests.probes.helpers import run_probe

from .conftest import run, write_plan


def _backed_up(capsys, tmp_path: Path) -> None:
    code, out, err = run(capsys, "backup", "init", "-f", "json")
    assert code == 0, err
    assert json.loads(out)["password_key"] == "backup@v1"
    code, out, err = run(capsys, "backup", "create", "-f", "json")
    assert code == 0, err
    created = json.loads(out)
    assert created["outcome"] == "success" and created["files"] == 3
    assert sorted(created["paths"]) == ["data", "models/model.bin"]


def _flip_byte_in_a_pack(repo: Path) -> Path:
    packs = sorted(p for p in (repo / "data").rglob("*") if p.is_file())
    pack = max(packs, key=lambda p: p.stat().st_size)  # the pack holding file contents
    os.chmod(pack, 0o600)
    raw = bytearray(pack.read_bytes())
    raw[len(raw) // 2] ^= 0x01
    pack.write_bytes(bytes(raw))
    return pack


def test_verify_catches_a_flipped_byte_in_a_pack(store: Store, project: Path, tmp_path: Path,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    _backed_up(capsys, tmp_path)
    code, out, err = run(capsys, "backup", "verify", "-f", "json")
    assert code == 0, err
    assert json.loads(out)["outcome"] == "success"
    assert [r.outcome for r in run_probe("backup-recent", project)] == [Outcome.POSITIVE]

    _flip_byte_in_a_pack(tmp_path / "repo")
    from secplan.crypto.keys.manager import KeyManager
    from secplan.data.backup.engine import BackupEngine
    from secplan.plan.loader import load_plan

    restic = BackupEngine(project, load_plan(project / "secplan.yaml"), store, KeyManager.for_project(project)).restic()
    assert restic.run("check", check=False).returncode == 0  # the structure check alone misses it
    code, _, err = run(capsys, "backup", "verify")
    assert code == 1
    assert "fails verification" in err
    with store.session() as session:
        runs = session.scalars(select(BackupRunRow).where(BackupRunRow.kind == "verify")
                               .order_by(BackupRunRow.id)).all()
        assert [r.outcome for r in runs] == ["success", "failure"]
    verify_events = [(e.action, e.outcome) for e in find(store, action="backup.verify")]
    assert verify_events == [("backup.verify", "success"), ("backup.verify", "failure")]
    results = run_probe("backup-recent", project)
    assert [r.outcome for r in results] == [Outcome.NEGATIVE]
    assert "failed" in results[0].message


def test_drill_restores_and_compares_every_file(store: Store, project: Path, tmp_path: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    _backed_up(capsys, tmp_path)
    code, out, err = run(capsys, "backup", "drill", "-f", "json")
    assert code == 0, err
    drill = json.loads(out)
    assert (drill["outcome"], drill["files"], drill["compared"], drill["problems"]) == ("success", 3, 3, [])
    assert drill["duration_s"] > 0
    assert [r.outcome for r in run_probe("restore-drill-recent", project)] == [Outcome.POSITIVE]
    assert not list((tmp_path).glob("secplan-drill-*"))

    # the source changes under the backup without its size or mtime changing: the digests must disagree
    target = project / "data" / "features.bin"
    before = target.stat()
    raw = bytearray(target.read_bytes())
    raw[1000] ^= 0xFF
    target.write_bytes(bytes(raw))
    os.utime(target, ns=(before.st_atime_ns, before.st_mtime_ns))
    code, out, err = run(capsys, "backup", "drill", "-f", "json")
    assert code == 1
    assert "data/features.bin: restored content differs from the source" in out
    results = run_probe("restore-drill-recent", project)
    assert [r.outcome for r in results] == [Outcome.NEGATIVE]
    drills = [(e.action, e.outcome) for e in find(store, action="backup.drill")]
    assert drills == [("backup.drill", "success"), ("backup.drill", "failure")]


def test_files_changed_since_the_snapshot_are_not_a_drill_failure(sqlite_store: Store, project: Path, tmp_path: Path,
                                                                  capsys: pytest.CaptureFixture[str]) -> None:
    _backed_up(capsys, tmp_path)
    (project / "data" / "train.csv").write_bytes(b"id,email\n")  # a normal edit after the backup
    code, out, err = run(capsys, "backup", "drill", "-f", "json")
    assert code == 0, err
    drill = json.loads(out)
    assert (drill["compared"], drill["changed_since_snapshot"]) == (2, 1)


def test_restore_into_a_new_folder_and_never_over_files(sqlite_store: Store, project: Path, tmp_path: Path,
                                                        capsys: pytest.CaptureFixture[str]) -> None:
    _backed_up(capsys, tmp_path)
    target = tmp_path / "restored"
    code, _, err = run(capsys, "backup", "restore", str(target))
    assert code == 0, err
    assert (target / "data" / "train.csv").read_bytes() == (project / "data" / "train.csv").read_bytes()
    assert (target / "models" / "model.bin").read_bytes() == (project / "models" / "model.bin").read_bytes()
    code, _, err = run(capsys, "backup", "restore", str(target))
    assert code == 2 and "not an empty folder" in err
    code, _, err = run(capsys, "backup", "restore", str(tmp_path / "other"), "--snapshot", "--help")
    assert code == 2 and "snapshot" in err


def test_password_is_wrapped_and_never_taken_from_the_environment(store: Store, project: Path, tmp_path: Path,
                                                                  capsys: pytest.CaptureFixture[str],
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RESTIC_PASSWORD", "not-the-password")
    monkeypatch.setenv("RESTIC_REPOSITORY", str(tmp_path / "elsewhere"))
    _backed_up(capsys, tmp_path)
    from secplan.crypto.keys.manager import KeyManager
    from secplan.data.backup.engine import BackupEngine
    from secplan.plan.loader import load_plan

    engine = BackupEngine(project, load_plan(project / "secplan.yaml"), store, KeyManager.for_project(project))
    password = engine.restic().password
    assert len(password) == 64 and b"not-the-password" not in password
    assert password.decode() not in repr(engine.restic())
    with store.session() as session:
        row = session.scalars(select(BackupRepositoryRow)).one()
        assert row.kek_id == "backup@v1" and password not in row.wrapped_password
    keystore = (project / ".secplan" / "keys" / "keystore.json").read_bytes()
    assert password not in keystore
    for entry in find(store):
        assert password.decode() not in entry.details
    assert not (tmp_path / "elsewhere").exists()


def test_bad_input_is_a_clear_error(sqlite_store: Store, project: Path, tmp_path: Path,
                                    capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "backup", "create")
    assert code == 2 and "not initialised" in err and "secplan backup init" in err
    write_plan(project)
    code, _, err = run(capsys, "backup", "init")
    assert code == 2 and "policy.backup.repository" in err and "secplan.yaml" in err
    write_plan(project, backup={"repository": str(tmp_path / "repo"), "paths": ["../outside"]})
    code, _, err = run(capsys, "backup", "init")
    assert code == 0, err
    code, _, err = run(capsys, "backup", "create")
    assert code == 2 and "outside the project" in err
    code, _, err = run(capsys, "backup", "init")
    assert code == 2 and "already initialised" in err


def test_probes_judge_age_against_the_plan(store: Store, project: Path, tmp_path: Path,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    assert [r.outcome for r in run_probe("backup-recent", project)] == [Outcome.NEGATIVE]
    assert [r.outcome for r in run_probe("restore-drill-recent", project)] == [Outcome.NEGATIVE]
    _backed_up(capsys, tmp_path)
    assert run(capsys, "backup", "verify")[0] == 0
    assert run(capsys, "backup", "drill")[0] == 0
    later = dt.date.today() + dt.timedelta(days=5)
    stale = run_probe("backup-recent", project, today=later)
    assert [r.outcome for r in stale] == [Outcome.NEGATIVE] and "plan allows 1" in stale[0].message
    assert [r.outcome for r in run_probe("restore-drill-recent", project, today=later)] == [Outcome.POSITIVE]
    much_later = dt.date.today() + dt.timedelta(days=31)
    assert [r.outcome for r in run_probe("restore-drill-recent", project, today=much_later)] == [Outcome.NEGATIVE]
    # the foundation probe defers to these once the engine is installed
    assert run_probe("backup-configured", project) == []


def test_a_failed_restic_run_is_recorded_and_reported(sqlite_store: Store, project: Path, tmp_path: Path,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    import shutil

    assert run(capsys, "backup", "init")[0] == 0
    shutil.rmtree(tmp_path / "repo")  # the repository is gone (a lost disk, a wrong mount)
    code, _, err = run(capsys, "backup", "create")
    assert code == 1 and "restic backup failed" in err and "Traceback" not in err
    events = [(e.action, e.outcome) for e in find(sqlite_store, action="backup.")]
    assert events == [("backup.init", "success"), ("backup.create", "failure")]
    with sqlite_store.session() as session:
        kinds = [(r.kind, r.outcome) for r in session.scalars(select(BackupRunRow).order_by(BackupRunRow.id))]
    assert kinds == [("init", "success"), ("create", "failure")]
