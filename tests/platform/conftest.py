"""Platform test helpers: run the CLI in-process, find the shared PyPA snapshot, write project files."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
SNAPSHOT_NAME = "data/osv/pypa-advisories-2024-10-10.jsonl.gz"


def shared_dir() -> Path:
    return Path(os.environ.get("SECPLAN_SHARED_DIR") or REPO.parent / "shared")


@dataclass
class CliResult:
    code: int
    out: str
    err: str
    """stderr with whitespace collapsed (rich wraps long messages)."""

    def json(self):
        return json.loads(self.out)


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str]) -> Callable[..., CliResult]:
    from secplan.cli.app import main

    def run(*args: str) -> CliResult:
        capsys.readouterr()
        try:
            main([str(a) for a in args])
            code = 0
        except SystemExit as exc:
            code = int(exc.code or 0)
        captured = capsys.readouterr()
        return CliResult(code, captured.out, " ".join(captured.err.split()))

    return run


@pytest.fixture
def snapshot() -> Path:
    path = shared_dir() / SNAPSHOT_NAME
    if not path.exists():
        pytest.skip(f"PyPA OSV snapshot not found at {path} (set SECPLAN_SHARED_DIR)")
    return path


@pytest.fixture
def write(project_dir: Path) -> Callable[[str, str], Path]:
    """Write a file of the test project (``project_dir``) and return its path."""

    def put(rel: str, text: str) -> Path:
        path = project_dir / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        return path

    return put


@pytest.fixture(autouse=True)
def _no_user_osv_db(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Tests never read the developer's own index: the cache dir points into tmp_path."""
    monkeypatch.delenv("SECPLAN_OSV_DB", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
