"""The store is private to its owner, and a damaged or unreachable store is a clear message (exit 2)."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from secplan.store.db import Store


def run(*args: str, cwd: Path, env: dict | None = None) -> subprocess.CompletedProcess:
    base = {k: v for k, v in os.environ.items() if k != "SECPLAN_DATABASE_URL"}
    return subprocess.run([sys.executable, "-m", "secplan", *args], capture_output=True, text=True,
                          timeout=120, cwd=cwd, env={**base, **(env or {})})


def modes(root: Path) -> dict[str, int]:
    return {str(p.relative_to(root)): stat.S_IMODE(p.stat().st_mode) for p in [root, *root.rglob("*")]}


@pytest.fixture
def recorded(project_dir: Path) -> Path:
    """A project whose store holds a few records, made with a permissive umask."""
    old = os.umask(0o022)
    try:
        assert run("people", "add", "ana", "--role", "engineer", "-C", ".", cwd=project_dir).returncode == 0
        for name in ("acme", "globex"):
            assert run("vendors", "add", name, "--service", "labelling", "-C", ".", cwd=project_dir).returncode == 0
    finally:
        os.umask(old)
    return project_dir


def test_everything_under_the_state_folder_is_private(recorded: Path):
    found = modes(recorded / ".secplan")
    assert found["."] == 0o700
    wide = {name: f"{mode:o}" for name, mode in found.items() if mode & 0o077}
    assert not wide


def test_a_widened_store_is_tightened_and_said(recorded: Path):
    (recorded / ".secplan").chmod(0o755)
    (recorded / ".secplan" / "secplan.db").chmod(0o644)
    proc = run("people", "list", "-C", ".", cwd=recorded)
    assert proc.returncode == 0
    assert "was readable by other users (mode 644); now 600" in proc.stderr
    assert stat.S_IMODE((recorded / ".secplan" / "secplan.db").stat().st_mode) == 0o600
    assert stat.S_IMODE((recorded / ".secplan").stat().st_mode) == 0o700


@pytest.mark.parametrize("damage", ["garbage", "truncated", "zeroed header"])
def test_damaged_store(recorded: Path, damage: str):
    db = recorded / ".secplan" / "secplan.db"
    Store.for_project(recorded).dispose()  # checkpoint the WAL into the file
    data = db.read_bytes()
    for companion in ("secplan.db-wal", "secplan.db-shm"):
        (recorded / ".secplan" / companion).unlink(missing_ok=True)
    if damage == "garbage":
        db.write_bytes(b"this is not a database at all, just text\n" * 100)
    elif damage == "truncated":
        db.write_bytes(data[: len(data) // 2])
    else:
        db.write_bytes(b"\0" * 100 + data[100:])
    proc = run("vendors", "list", "-C", ".", cwd=recorded)
    assert proc.returncode == 2, proc.stderr
    assert f"{db}: the secplan store is damaged" in proc.stderr
    assert "restore it from a backup" in proc.stderr
    assert "internal error" not in proc.stderr and "sqlalche.me" not in proc.stderr


def test_unreachable_postgres_names_the_server_not_the_password(project_dir: Path):
    url = "postgresql+psycopg://alice:s3cret-pw@127.0.0.1:1/secplan"
    proc = run("vendors", "list", "-C", ".", cwd=project_dir, env={"SECPLAN_DATABASE_URL": url})
    assert proc.returncode == 2, proc.stderr
    assert "cannot reach the secplan store at 127.0.0.1:1/secplan" in proc.stderr
    assert "s3cret-pw" not in proc.stderr + proc.stdout
