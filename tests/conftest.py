"""Shared fixtures: temporary projects, and stores on both SQLite and a real PostgreSQL server.

PostgreSQL tests need ``SECPLAN_TEST_POSTGRES_URL`` (``make test`` starts a server and sets it);
each test gets a database of its own, dropped afterwards.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from secplan.store.db import Store

PG_URL = os.environ.get("SECPLAN_TEST_POSTGRES_URL")


@pytest.fixture
def project_dir(tmp_path: Path) -> Path:
    root = tmp_path / "project"
    root.mkdir()
    return root


@pytest.fixture
def pg_url() -> Iterator[str]:
    """A fresh, empty PostgreSQL database for one test."""
    if not PG_URL:
        pytest.skip("SECPLAN_TEST_POSTGRES_URL is not set (make test starts PostgreSQL and sets it)")
    name = f"t_{uuid.uuid4().hex[:16]}"
    admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = PG_URL.rsplit("/", 1)[0] + "/" + name
    try:
        yield url
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """Parametrises a test over both backends: a SQLite file and a fresh PostgreSQL database."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'secplan.db'}"
    return request.getfixturevalue("pg_url")


@pytest.fixture
def store(db_url: str, project_dir: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Store]:
    """A migrated store for ``project_dir`` on each backend (also what the CLI opens there)."""
    monkeypatch.setenv("SECPLAN_DATABASE_URL", db_url)
    s = Store.for_project(project_dir)
    try:
        yield s
    finally:
        s.dispose()
