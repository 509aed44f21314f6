"""Exporting a model version's evidence on SQLite and PostgreSQL: what goes in, that it verifies with
the store gone, that the export is itself ledgered and sealed, that nothing secret goes in, who may
export, and that a store that no longer matches its ledger yields no bundle at all."""

from __future__ import annotations

import json
import threading
import zipfile
from pathlib import Path

import pytest
from sqlalchemy import text

from secplan.errors import InputError, IntegrityError, PermissionDenied
from secplan.evidence import export, verify_file
from secplan.evidence.format import parse_manifest, sealed_digest
from secplan.ledger import record, verify
from secplan.ledger.query import find
from tests.evidence.conftest import REF


def members(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as zf:
        return {name: zf.read(name) for name in zf.namelist()}


def test_bundle_holds_every_part_and_verifies_without_the_store(history, project_dir, tmp_path, monkeypatch):
    out = project_dir / "fraud-1.zip"
    summary = export(history, REF, out)
    assert summary["parts"] == ["keys", "model", "signature", "lineage", "scan", "evaluation 1", "attestation 1",
                                "approval 1", "promotion 1", "served 1", "incident 1"]
    files = members(out)
    manifest = parse_manifest(files["manifest.json"])
    by_part = {p.label: p for p in manifest.sealed.parts}
    actions = {label: [json.loads(line)["action"] for line in files["ledger/entries.jsonl"].decode().splitlines()
                       if json.loads(line)["seq"] in part.entries] for label, part in by_part.items()}
    assert actions["model"] == ["model.register"] and actions["signature"] == ["model.sign"]
    assert actions["approval 1"] == ["approval.request", "approval.approve", "approval.use"]
    assert actions["promotion 1"] == ["model.promote"] and actions["served 1"] == ["model.serve"]
    assert actions["evaluation 1"] == ["model.evaluate"] and actions["incident 1"] == ["incident.open"]

    # the export is a ledger entry that seals the manifest, and the ledger as a whole still verifies
    [entry] = find(history, action="evidence.export")
    assert entry.seq == manifest.export_entry == summary["export_entry"]
    assert json.loads(entry.details)["contents_sha256"] == sealed_digest(manifest.sealed)
    assert verify(history).ok

    # nothing but the bundle: another folder, no database, no keystore
    history.dispose()
    elsewhere = tmp_path / "auditor"
    elsewhere.mkdir()
    moved = elsewhere / "fraud-1.zip"
    moved.write_bytes(out.read_bytes())
    for name in ("SECPLAN_DATABASE_URL", "SECPLAN_KEYSTORE", "SECPLAN_PASSPHRASE", "SECPLAN_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(elsewhere)
    report = verify_file(moved)
    assert report.ok, report.failure
    assert report.entries == summary["entries"] and report.tree_size >= manifest.export_entry
    assert not list(elsewhere.glob(".secplan*"))


def test_no_secret_goes_into_the_bundle(history, project_dir, team):
    out = project_dir / "fraud-1.zip"
    export(history, REF, out)
    blob = b"\n".join(members(out).values())
    for secret in (*team.values(), "test passphrase, not a secret"):
        assert secret.encode() not in blob
    for marker in (b"PRIVATE KEY", b"$argon2", b"spt_"):
        assert marker not in blob
    keys = [name for name in members(out) if name.startswith("keys/")]
    assert keys and all(b"PUBLIC KEY" in members(out)[k] or k.endswith(".vkey") for k in keys)


def test_proofs_share_one_checkpoint_while_others_append(history, project_dir):
    stop = threading.Event()
    errors: list[BaseException] = []

    def append() -> None:
        try:
            while not stop.is_set():
                record(history, action="data.read", obj="dataset:other", details={"rows": 1})
        except BaseException as exc:  # reported below: a failing writer must fail the test
            errors.append(exc)

    writer = threading.Thread(target=append)
    writer.start()
    try:
        for number in range(3):
            export(history, REF, project_dir / f"b{number}.zip")
    finally:
        stop.set()
        writer.join()
    assert not errors
    for number in range(3):
        report = verify_file(project_dir / f"b{number}.zip")
        assert report.ok, report.failure


def test_a_store_that_no_longer_matches_its_ledger_gives_no_bundle(history, project_dir):
    with history.session() as session:
        session.execute(text("UPDATE model_evaluations SET result = :r"),
                        {"r": json.dumps({"suites": {}, "passed": True, "forged": True})})
    out = project_dir / "fraud-1.zip"
    with pytest.raises(IntegrityError, match="evaluation 1") as err:
        export(history, REF, out)
    assert "would not verify" in err.value.message
    assert not out.exists() and not list(project_dir.glob(".fraud-1.zip*"))


def test_an_unsigned_version_has_no_signature_part(history, project_dir):
    from secplan.model.registry.versions import register_model
    from tests.registry.conftest import write_model

    register_model(history, project_dir, write_model(project_dir / "models" / "v2"), "fraud")
    out = project_dir / "fraud-2.zip"
    summary = export(history, "fraud@2", out)
    assert summary["parts"] == ["keys", "model", "lineage", "scan"]
    report = verify_file(out)
    assert report.ok and any("not signed" in note for note in report.notes)
    assert "keys/model-signing.pem" not in members(out)


def test_who_may_export(history, project_dir, act_as):
    act_as("mia")  # a model client reads models, not the audit ledger
    with pytest.raises(PermissionDenied, match="ledger"):
        export(history, REF, project_dir / "denied.zip")
    assert not (project_dir / "denied.zip").exists()
    act_as("carol")  # a viewer reads everything
    assert export(history, REF, project_dir / "viewer.zip")["model"] == REF


def test_a_role_that_reads_models_and_the_ledger_but_not_incidents(history, project_dir, monkeypatch):
    import datetime as dt

    from secplan.human import accounts

    monkeypatch.delenv("SECPLAN_TOKEN", raising=False)  # the local owner sets up the role
    accounts.define_role(history, "ledger-reader", ["read:model", "read:ledger", "read:approval"])
    accounts.add_user(history, "olga")
    accounts.grant_role(history, "olga", "ledger-reader")
    token = accounts.create_token(history, "olga", expires=dt.date.today() + dt.timedelta(days=1), scope="read").token
    monkeypatch.setenv("SECPLAN_TOKEN", token)
    with pytest.raises(PermissionDenied, match="incident"):
        export(history, REF, project_dir / "olga.zip")
    assert not (project_dir / "olga.zip").exists()
    assert find(history, action="access.deny")[-1].actor == "olga"


def test_bytes_for_a_download_are_the_same_bundle(history, project_dir):
    from secplan.evidence import export_bytes

    data, summary = export_bytes(history, REF, "fraud-1.zip")
    assert summary["bundle"] == "fraud-1.zip" and summary["model"] == REF
    (project_dir / "download.zip").write_bytes(data)
    report = verify_file(project_dir / "download.zip")
    assert report.ok and report.verified == summary["parts"]
    assert [e.seq for e in find(history, action="evidence.export")] == [summary["export_entry"]]


def test_unknown_version_and_bad_reference(history, project_dir):
    with pytest.raises(InputError, match="no model fraud@9"):
        export(history, "fraud@9", project_dir / "x.zip")
    with pytest.raises(InputError, match="NAME@VERSION"):
        export(history, "fraud", project_dir / "x.zip")
    assert not (project_dir / "x.zip").exists()
