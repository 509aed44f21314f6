"""Generated people data (Faker, several locales) and a pseudonymisation key for the DS-6/DS-7 tests."""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd
import pytest

from .generate import people


@pytest.fixture(scope="session")
def people_frame() -> pd.DataFrame:
    return people()


@pytest.fixture
def key_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "pseudonym.key"
    path.write_bytes(os.urandom(32))
    path.chmod(0o600)
    monkeypatch.setenv("SECPLAN_PSEUDONYM_KEY", str(path))
    return path
