"""A small project with a real restic repository, a cheap local keystore, and the CLI run in process."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
import yaml

from secplan.cli.app import main
from secplan.crypto.keys.keystore import KdfParams, Keystore, default_keystore_path
from secplan.crypto.keys.local import LocalProvider
from secplan.crypto.keys.manager import KeyManager

PASSPHRASE = "protection tests passphrase"
CHEAP_KDF = KdfParams(memory_kib=8192, iterations=1, lanes=1)
"""Cheap Argon2id: the keystore records its cost, so the CLI derives with it too."""


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as exit_info:
        main(list(argv))
    out, err = capsys.readouterr()
    return exit_info.value.code, out, err


def write_plan(root: Path, **policy: Any) -> None:
    """The test plan; deleting data needs no second-person approval unless ``approvals`` says so
    (``test_retention`` tests that gate on its own)."""
    policy.setdefault("approvals", {"two_person_rule": []})
    doc = {"version": 1, "project": {"name": "protection", "owners": ["owner@example.com"]},
           "assets": [{"path": "data", "classification": "confidential", "retention_days": 30},
                      {"path": "models/model.bin", "classification": "internal", "uses": ["shared"]}],
           "policy": policy}
    (root / "secplan.yaml").write_text(yaml.safe_dump(doc, sort_keys=False), encoding="utf-8")


@pytest.fixture
def project(project_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """data/ (two files), models/model.bin, a plan with a restic repository outside the project."""
    monkeypatch.setenv("SECPLAN_PASSPHRASE", PASSPHRASE)
    monkeypatch.delenv("SECPLAN_PASSPHRASE_FILE", raising=False)
    monkeypatch.delenv("SECPLAN_KEYSTORE", raising=False)
    monkeypatch.setenv("SECPLAN_ACTOR", "alice")
    monkeypatch.chdir(project_dir)
    (project_dir / "data").mkdir()
    (project_dir / "models").mkdir()
    (project_dir / "data" / "train.csv").write_bytes(b"id,email\n" + b"1,a@example.com\n" * 3000)
    (project_dir / "data" / "features.bin").write_bytes(os.urandom(200_000))
    (project_dir / "models" / "model.bin").write_bytes(os.urandom(50_000))
    write_plan(project_dir, backup={"repository": str(tmp_path / "repo"), "max_age_days": 1,
                                    "drill_every_days": 30})
    keystore = Keystore(default_keystore_path(project_dir))
    KeyManager(keystore, local=LocalProvider(keystore, CHEAP_KDF)).create("datasets")
    return project_dir



@pytest.fixture
def sqlite_store(project_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """For tests about restic or files rather than the database: SQLite only (the rest run on both)."""
    from secplan.store.db import Store

    monkeypatch.setenv("SECPLAN_DATABASE_URL", f"sqlite:///{tmp_path / 'secplan.db'}")
    s = Store.for_project(project_dir)
    yield s
    s.dispose()
