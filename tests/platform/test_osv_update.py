"""`secplan db update` against a real HTTP server on loopback, and what every scan says about its
advisory database (source, size, age; the bundled sample and an old database are warned about)."""

from __future__ import annotations

import datetime as dt
import functools
import http.server
import io
import json
import os
import subprocess
import sys
import threading
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from secplan.platform.osv.index import bundled_fixture

NOW = dt.datetime.now(dt.UTC).replace(microsecond=0)


def records(modified: dt.datetime) -> list[dict]:
    data = json.loads(bundled_fixture().read_text())
    items = data if isinstance(data, list) else [data]
    return [{**r, "modified": modified.isoformat().replace("+00:00", "Z")} for r in items]


def zipped(items: list[dict]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as archive:
        for item in items:
            archive.writestr(f"{item['id']}.json", json.dumps(item))
    return buf.getvalue()


@pytest.fixture
def server(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """A real HTTP server on 127.0.0.1 serving files from a folder."""
    root = tmp_path / "www"
    root.mkdir()
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(root))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}", root
    finally:
        httpd.shutdown()
        httpd.server_close()


def secplan(*args: str, env: dict | None = None, cwd: Path | None = None) -> subprocess.CompletedProcess:
    base = {k: v for k, v in os.environ.items() if k not in ("SECPLAN_OSV_DB", "SECPLAN_DATABASE_URL")}
    return subprocess.run([sys.executable, "-m", "secplan", *args], capture_output=True, text=True,
                          timeout=120, cwd=cwd, env={**base, **(env or {})})


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = tmp_path / "project"
    root.mkdir()
    (root / "requirements.txt").write_text("pyyaml==5.3\nnumpy==1.19.0\n")
    return root


def test_update_from_a_url_then_scan(server, project, tmp_path):
    url, www = server
    (www / "all.zip").write_bytes(zipped(records(NOW - dt.timedelta(days=2))))
    db = tmp_path / "cache" / "osv.db"
    proc = secplan("db", "update", f"{url}/all.zip", "--db", str(db))
    assert proc.returncode == 0, proc.stderr
    assert "indexed" in proc.stderr and str(db) in proc.stderr
    scan = secplan("platform", "scan", str(project), "--scanners", "vuln", "-f", "json", "--no-store",
                   env={"SECPLAN_OSV_DB": str(db), "HOME": str(tmp_path)})
    assert scan.returncode in (0, 1), scan.stderr
    report = json.loads(scan.stdout)
    info = report["osv_database_info"]
    assert info["source"].endswith(f"(from {url}/all.zip)") and info["advisories"] > 0 and not info["bundled"]
    assert info["age_days"] == 2
    assert any(f["rule"] == "vulnerable-dependency" for f in report["findings"])
    assert not any("days old" in w or "bundled" in w for w in report["warnings"])


def test_update_from_a_file(project, tmp_path):
    archive = tmp_path / "all.zip"
    archive.write_bytes(zipped(records(NOW)))
    db = tmp_path / "osv.db"
    assert secplan("db", "update", str(archive), "--db", str(db)).returncode == 0
    assert db.exists() and (db.stat().st_mode & 0o777) == 0o644


@pytest.mark.parametrize("case,needle", [
    ("missing", "answered 404"),
    ("not-a-zip", "cannot read OSV data"),
    ("empty", "no PyPI advisories"),
])
def test_update_failures_keep_the_old_index(server, tmp_path, case, needle):
    url, www = server
    db = tmp_path / "osv.db"
    (tmp_path / "good.zip").write_bytes(zipped(records(NOW)))
    assert secplan("db", "update", str(tmp_path / "good.zip"), "--db", str(db)).returncode == 0
    before = db.read_bytes()
    if case == "not-a-zip":
        (www / "all.zip").write_bytes(b"<html>not found</html>")
    elif case == "empty":
        (www / "all.zip").write_bytes(zipped([]))
    proc = secplan("db", "update", f"{url}/all.zip", "--db", str(db))
    assert proc.returncode == 2 and needle in proc.stderr, proc.stderr
    assert "Traceback" not in proc.stderr
    assert db.read_bytes() == before
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".osv-download")]


def test_plain_http_only_to_loopback(tmp_path):
    proc = secplan("db", "update", "http://mirror.example.com/all.zip", "--db", str(tmp_path / "osv.db"))
    assert proc.returncode == 2 and "only https://" in proc.stderr


def test_bundled_sample_is_said(project, tmp_path):
    scan = secplan("platform", "scan", str(project), "--scanners", "vuln", "-f", "json", "--no-store",
                   env={"HOME": str(tmp_path), "XDG_CACHE_HOME": str(tmp_path / "none")})
    report = json.loads(scan.stdout)
    assert report["osv_database_info"]["bundled"] is True
    assert any("bundled sample" in w for w in report["warnings"])


def test_old_database_is_said(project, tmp_path):
    archive = tmp_path / "old.zip"
    archive.write_bytes(zipped(records(NOW - dt.timedelta(days=90))))
    db = tmp_path / "osv.db"
    assert secplan("db", "update", str(archive), "--db", str(db)).returncode == 0
    scan = secplan("platform", "scan", str(project), "--scanners", "vuln", "-f", "json", "--no-store",
                   env={"SECPLAN_OSV_DB": str(db)})
    report = json.loads(scan.stdout)
    assert any("90 days old" in w for w in report["warnings"]), report["warnings"]
    scan = secplan("platform", "scan", str(project), "--scanners", "vuln", "-f", "json", "--no-store",
                   env={"SECPLAN_OSV_DB": str(db), "SECPLAN_OSV_MAX_AGE_DAYS": "365"})
    assert not any("days old" in w for w in json.loads(scan.stdout)["warnings"])


def test_empty_database_is_an_error(project, tmp_path):
    empty = tmp_path / "empty"
    empty.mkdir()
    scan = secplan("platform", "scan", str(project), "--scanners", "vuln", "--osv-db", str(empty), "--no-store")
    assert scan.returncode == 2 and "holds no PyPI advisories" in scan.stderr
