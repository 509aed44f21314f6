"""`secplan audit export --tiles DIR`: a static tiled log that an outside verifier checks with only the
public key; written atomically; an existing non-empty DIR is a usage error."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from secplan.cli.app import main
from secplan.crypto.keys.signer import FileSigner
from secplan.ledger import Action, record, record_many
from secplan.ledger.note import origin_for, vkey
from secplan.ledger.signing import LedgerFiles
from secplan.projects import project_of
from secplan.store.db import Store

from .c2sp import check_tiled_log
from .conftest import Attacker


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as info:
        main(list(argv))
    out, err = capsys.readouterr()
    return info.value.code, out, err


def _vkey(store: Store) -> str:
    return vkey(origin_for(project_of(store).id), FileSigner(LedgerFiles.for_home(store.home).key).public_key)


@pytest.mark.parametrize("total", [1, 255, 256, 700])
def test_an_exported_tiled_log_verifies_offline(store: Store, project_dir: Path, tmp_path: Path, capsys, total: int) -> None:
    record(store, action="keys.rotate", obj="key:prod", details={"slot": 1})
    if total > 1:
        record_many(store, [Action("data.read", f"dataset:{i}", {"i": i}) for i in range(total - 1)])
    out_dir = tmp_path / "log"
    code, out, err = run(capsys, "audit", "export", "-C", str(project_dir), "--tiles", str(out_dir))
    assert code == 0 and out == "", err
    assert _vkey(store) in err
    entries = check_tiled_log(out_dir, _vkey(store))
    assert len(entries) == total
    first = json.loads(entries[0])
    assert first[0] == 1 and first[1] == 1 and first[4:6] == ["keys.rotate", "key:prod"] and first[-1] == {"slot": 1}
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".log.")]  # no temporary folder left


def test_export_into_an_existing_folder(store: Store, project_dir: Path, tmp_path: Path, capsys) -> None:
    record(store, action="keys.rotate", obj="key:prod")
    busy = tmp_path / "busy"
    busy.mkdir()
    (busy / "keep.txt").write_text("mine")
    code, out, err = run(capsys, "audit", "export", "-C", str(project_dir), "--tiles", str(busy))
    assert code == 2 and "not an empty folder" in err and out == "" and "Traceback" not in err
    assert [p.name for p in busy.iterdir()] == ["keep.txt"]
    empty = tmp_path / "empty"
    empty.mkdir()
    code, _, _ = run(capsys, "audit", "export", "-C", str(project_dir), "--tiles", str(empty))
    assert code == 0 and check_tiled_log(empty, _vkey(store))


def test_a_tampered_ledger_is_not_exported(store: Store, project_dir: Path, tmp_path: Path, capsys,
                                           attacker: Attacker) -> None:
    record_many(store, [Action("data.read", f"dataset:{i}") for i in range(20)])
    attacker.sql("UPDATE ledger_entries SET object = 'dataset:x' WHERE seq = 7")
    code, out, err = run(capsys, "audit", "export", "-C", str(project_dir), "--tiles", str(tmp_path / "log"))
    assert code == 1 and "ledger entry 7" in err and out == ""
    assert not (tmp_path / "log").exists()
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".log")] == []


def test_damaged_tiles_are_rebuilt_before_export(store: Store, project_dir: Path, tmp_path: Path, capsys,
                                                 attacker: Attacker) -> None:
    record_many(store, [Action("data.read", f"dataset:{i}") for i in range(300)])
    attacker.sql("DELETE FROM ledger_tiles WHERE level = 1")
    code, _, err = run(capsys, "audit", "export", "-C", str(project_dir), "--tiles", str(tmp_path / "log"))
    assert code == 0, err
    assert len(check_tiled_log(tmp_path / "log", _vkey(store))) == 300
