"""OSV sources (directory, all.zip, .jsonl, .jsonl.gz), the SQLite index, `secplan db import`, and the
PyPA snapshot (skipped when ../shared is absent)."""

from __future__ import annotations

import gzip
import json
import zipfile
from pathlib import Path

import pytest

from secplan.errors import InputError
from secplan.platform.manifests import Dependency, read_manifest
from secplan.platform.osv.index import SqliteIndex, build_index, bundled_fixture, open_database
from secplan.platform.osv.match import affecting, match

REPO = Path(__file__).resolve().parents[2]
RECORDS = [
    {"id": "PYSEC-T-1", "aliases": ["CVE-T-1"], "summary": "one",
     "affected": [{"package": {"ecosystem": "PyPI", "name": "demo-pkg"},
                   "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": "1.2"}]}]}]},
    {"id": "PYSEC-T-2", "summary": "withdrawn", "withdrawn": "2024-01-01T00:00:00Z",
     "affected": [{"package": {"ecosystem": "PyPI", "name": "demo-pkg"}, "versions": ["1.0"]}]},
]


def sources(tmp: Path) -> dict[str, Path]:
    d = tmp / "osvdir" / "PyPI"
    d.mkdir(parents=True)
    for rec in RECORDS:
        (d / f"{rec['id']}.json").write_text(json.dumps(rec))
    z = tmp / "all.zip"
    with zipfile.ZipFile(z, "w") as archive:
        for rec in RECORDS:
            archive.writestr(f"{rec['id']}.json", json.dumps(rec))
    jl = tmp / "db.jsonl"
    jl.write_text("\n".join(json.dumps(r) for r in RECORDS) + "\n")
    gz = tmp / "db.jsonl.gz"
    gz.write_bytes(gzip.compress(jl.read_bytes()))
    return {"dir": tmp / "osvdir", "zip": z, "jsonl": jl, "gz": gz}


@pytest.mark.parametrize("kind", ["dir", "zip", "jsonl", "gz"])
def test_every_source_kind_reads_the_same_and_skips_withdrawn(tmp_path: Path, kind: str) -> None:
    source = sources(tmp_path)[kind]
    assert [a.id for a in open_database(source).advisories_for("demo-pkg")] == ["PYSEC-T-1"]
    index = tmp_path / "idx" / "osv.db"
    build_index(source, index)
    assert [a.id for a in SqliteIndex(index).advisories_for("demo-pkg")] == ["PYSEC-T-1"]


def test_bad_lines_are_warnings_not_failures(tmp_path: Path) -> None:
    path = tmp_path / "db.jsonl"
    path.write_text(json.dumps(RECORDS[0]) + "\n{broken\n[1, 2]\n")
    warnings: list[str] = []
    db = open_database(path, warnings)
    assert len(db.advisories_for("demo-pkg")) == 1
    assert any(":2: invalid JSON" in w for w in warnings) and any("not an OSV record" in w for w in warnings)


def test_unusable_sources_raise_input_errors(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="not found"):
        open_database(tmp_path / "missing.jsonl")
    (tmp_path / "x.csv").write_text("a,b")
    with pytest.raises(InputError, match="not an OSV source"):
        open_database(tmp_path / "x.csv")
    (tmp_path / "bad.zip").write_bytes(b"PK\x03\x04 not really a zip")
    with pytest.raises(InputError, match="cannot read OSV data"):
        open_database(tmp_path / "bad.zip")
    fake = tmp_path / "fake.db"
    fake.write_bytes(b"SQLite format 3\x00" + b"\x00" * 200)
    with pytest.raises(InputError, match="not a secplan OSV index"):
        open_database(fake)


def test_failed_index_build_leaves_old_index_untouched(tmp_path: Path) -> None:
    src = sources(tmp_path)["jsonl"]
    index = tmp_path / "osv.db"
    build_index(src, index)
    before = index.read_bytes()
    empty = tmp_path / "empty.jsonl"
    empty.write_text("")
    with pytest.raises(InputError, match="no PyPI advisories"):
        build_index(empty, index)
    assert index.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []


def test_db_import_cli_and_env_default(tmp_path: Path, cli, monkeypatch: pytest.MonkeyPatch) -> None:
    src = sources(tmp_path)["gz"]
    dest = tmp_path / "custom.db"
    r = cli("db", "import", src, "--db", dest)
    assert r.code == 0 and "indexed 1 advisories for 1 packages" in r.err
    monkeypatch.setenv("SECPLAN_OSV_DB", str(dest))
    assert isinstance(open_database(), SqliteIndex)
    r = cli("db", "import", tmp_path / "nope.jsonl")
    assert r.code == 2 and "not found" in r.err and "Traceback" not in r.err


def test_default_is_the_cache_index_else_the_bundled_fixture(tmp_path: Path) -> None:
    db = open_database()
    assert str(bundled_fixture()) in db.description
    ids = {a.id for a in affecting(db, "pyyaml", "5.3")}
    assert ids == {"PYSEC-2020-96", "PYSEC-2021-142"}


def test_db_import_default_location_is_used_by_scans(tmp_path: Path, cli) -> None:
    assert cli("db", "import", sources(tmp_path)["jsonl"]).code == 0
    assert (tmp_path / "cache" / "secplan" / "osv.db").exists()
    db = open_database()
    assert isinstance(db, SqliteIndex) and [a.id for a in db.advisories_for("demo-pkg")] == ["PYSEC-T-1"]


# --- the PyPA snapshot ------------------------------------------------------------------------------

def test_snapshot_index_matches_hand_checked_advisories(snapshot: Path, tmp_path: Path) -> None:
    index = tmp_path / "osv.db"
    meta = build_index(snapshot, index)
    assert int(meta["advisories"]) > 2500  # 2,661 records, 10 withdrawn, a few without PyPI ranges
    db = SqliteIndex(index)
    assert {a.id for a in affecting(db, "pyyaml", "5.3")} == {"PYSEC-2020-96", "PYSEC-2021-142"}
    assert {a.id for a in affecting(db, "pyyaml", "5.1")} == {"PYSEC-2020-176", "PYSEC-2020-96", "PYSEC-2021-142"}
    assert {a.id for a in affecting(db, "pyyaml", "5.4")} == set()
    # requests: introduced 2.3.0 fixed 2.31.0 (CVE-2023-32681); introduced 0 fixed 2.20.0 (CVE-2018-18074)
    assert {a.id for a in affecting(db, "requests", "2.2.0")} >= {"PYSEC-2018-28"}
    assert "PYSEC-2023-74" not in {a.id for a in affecting(db, "requests", "2.2.0")}
    assert "PYSEC-2023-74" in {a.id for a in affecting(db, "requests", "2.30.0")}
    found = match([Dependency("mlflow", "2.9.0", "mlflow==2.9.0", "requirements.txt", 1)], db)
    by_id = {f.advisories[0]: f for f in found}
    assert by_id["PYSEC-2023-252"].severity.value == "high" and "fixed in 2.9.2" in by_id["PYSEC-2023-252"].message


def test_bundled_fixture_agrees_with_the_snapshot(snapshot: Path) -> None:
    full = open_database(snapshot)
    fixture = open_database(bundled_fixture())
    for package, version in [("numpy", "1.19.0"), ("scikit-learn", "0.23.0"), ("pillow", "9.0.0"), ("pyyaml", "5.3"),
                             ("jinja2", "2.11.2"), ("requests", "2.25.1"), ("mlflow", "2.9.0"), ("torch", "1.13.0")]:
        in_fixture = {a.id for a in affecting(fixture, package, version)}
        assert in_fixture, package
        assert in_fixture <= {a.id for a in affecting(full, package, version)}, package


def test_bundled_fixture_covers_the_demo_pins_exactly(snapshot: Path) -> None:
    """Every advisory of the snapshot that affects the demo project's pins is in the fixture, with the same verdict."""
    demo = REPO / "examples" / "credit-risk" / "requirements.txt"
    if not demo.exists():
        pytest.skip("the demo project is not in this checkout")
    full, fixture = open_database(snapshot), open_database(bundled_fixture())
    for dep in read_manifest(demo, demo.parent):
        if dep.version:
            assert {a.id for a in affecting(fixture, dep.name, dep.version)} == \
                {a.id for a in affecting(full, dep.name, dep.version)}, dep.name
