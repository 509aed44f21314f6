"""Fuzzing share packages (bounded): a package with a few bytes changed, cut or duplicated is either
the intact original or refused with a clear error, and a refused package leaves no output behind."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from pyrage import x25519 as age_x25519

from secplan.data.share.package import open_package
from secplan.errors import SecplanError
from secplan.store.db import Store
from tests.fuzz.mutate import FUZZ, mutated

from .conftest import run

_SHARE_FUZZ = settings(FUZZ, max_examples=min(FUZZ.max_examples, 60),
                       suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])


def test_mutated_packages_open_intact_or_are_refused(sqlite_store: Store, project: Path, tmp_path: Path,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    identity = age_x25519.Identity.generate()
    identity_file = tmp_path / "partner.key"
    identity_file.write_text(f"{identity}\n", encoding="ascii")
    expires = (dt.date.today() + dt.timedelta(days=30)).isoformat()
    code, out, err = run(capsys, "share", "create", "models/model.bin", "--recipient", str(identity.to_public()),
                         "--expires", expires, "--agreement", "DSA-1", "-o", "seed.share.tar", "-f", "json")
    assert code == 0, err
    assert json.loads(out)["file"] == "models/model.bin"
    seed = (project / "seed.share.tar").read_bytes()
    original = (project / "models" / "model.bin").read_bytes()
    outcomes: list[str] = []

    @_SHARE_FUZZ
    @given(mutated([seed]))
    def check(data: bytes) -> None:
        package, target = tmp_path / "fuzzed.share.tar", tmp_path / "opened.bin"
        package.write_bytes(data)
        target.unlink(missing_ok=True)
        try:
            open_package(package, identity_file, target, today=dt.date.today())
        except SecplanError as exc:
            assert str(package) in str(exc), str(exc)
            assert not target.exists(), "a refused package left output behind"
            assert not [p for p in tmp_path.iterdir() if p.name.startswith(".") and "opened" in p.name]
            outcomes.append("refused")
            return
        assert target.read_bytes() == original, "a changed package opened to different data"
        outcomes.append("intact")

    check()
    assert "refused" in outcomes, "no mutation was refused: the property was never exercised"
