"""Secrets inside archives and compressed files (zip, tar, tar.gz, gzip, bzip2, xz, nested), found at
their member and line; what is not read (encrypted members, unknown formats, limits) is a warning.
Archives are built here with the standard library; values are assembled at run time."""

from __future__ import annotations

import bz2
import gzip
import lzma
import zipfile
from pathlib import Path

from tests.model_scan.corpus import tar_bytes, zip_bytes

from secplan.platform import archives
from secplan.platform.scan import Scanner, scan_project

TOKEN = "ghp_" + "Zq8mTr2LpX4vN7kW" * 2 + "aB9c"
ENV = f"# deploy settings\nGITHUB_TOKEN={TOKEN}\n".encode()


def zip_of(files: dict[str, bytes]) -> bytes:
    return zip_bytes(files, zipfile.ZIP_DEFLATED)


def scan(root: Path):
    result = scan_project(root, scanners={Scanner.SECRET})
    return sorted((f.path, f.member, f.line) for f in result.findings), result.warnings


def test_secrets_in_every_archive_format_point_at_member_and_line(tmp_path: Path) -> None:
    (tmp_path / "export.zip").write_bytes(zip_of({"conf/.env": ENV, "README.md": b"nothing here\n"}))
    (tmp_path / "bundle.tar.gz").write_bytes(gzip.compress(tar_bytes({"app/.env": ENV})))
    (tmp_path / "settings.env.gz").write_bytes(gzip.compress(ENV))
    (tmp_path / "old.env.bz2").write_bytes(bz2.compress(ENV))
    (tmp_path / "old.env.xz").write_bytes(lzma.compress(ENV))
    (tmp_path / "nested.zip").write_bytes(zip_of({"inner.tar": tar_bytes({"deep/.env": ENV})}))
    found, warnings = scan(tmp_path)
    assert found == [
        ("bundle.tar.gz", "bundle.tar!/app/.env", 2),
        ("export.zip", "conf/.env", 2),
        ("nested.zip", "inner.tar!/deep/.env", 2),
        ("old.env.bz2", "old.env", 2),
        ("old.env.xz", "old.env", 2),
        ("settings.env.gz", "settings.env", 2),
    ]
    assert warnings == []


def test_templates_and_baselines_inside_archives_stay_quiet(tmp_path: Path) -> None:
    baseline = b'{"results": {"a.py": [{"hashed_secret": "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b"}]}}'
    (tmp_path / "docs.zip").write_bytes(zip_of({".env.example": b"GITHUB_TOKEN=changeme\nPASSWORD=<your-password>\n",
                                                ".secrets.baseline": baseline}))
    assert scan(tmp_path) == ([], [])


def test_what_is_not_read_is_named(tmp_path: Path) -> None:
    plain = zip_of({"secret.env": ENV})
    # Set the "encrypted" flag (bit 0) in the local header and the central directory entry.
    encrypted = bytearray(plain)
    for signature, offset in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        at = encrypted.index(signature) + offset
        encrypted[at] |= 0x1
    (tmp_path / "locked.zip").write_bytes(bytes(encrypted))
    (tmp_path / "backup.7z").write_bytes(b"7z\xbc\xaf\x27\x1c" + b"\x00" * 64)
    (tmp_path / "broken.tar.gz").write_bytes(gzip.compress(b"x" * 100)[:-8])
    found, warnings = scan(tmp_path)
    assert found == []
    assert any("locked.zip!/secret.env: encrypted; not scanned" in w for w in warnings)
    assert any("backup.7z: 7z archives are not read" in w for w in warnings)
    assert any(w.startswith("broken.tar.gz: unreadable gzip data") for w in warnings)


def test_limits_bound_members_and_bytes(monkeypatch, tmp_path: Path) -> None:
    monkeypatch.setattr(archives, "MAX_MEMBERS", 3)
    budget = archives.Budget(members=3)
    names = [m for m, _ in archives.members(zip_of({f"f{n}.txt": b"x" for n in range(5)}), "many.zip", budget)]
    assert names == ["many.zip!/f0.txt", "many.zip!/f1.txt", "many.zip!/f2.txt"]
    assert budget.skipped == ["many.zip!/f3.txt: more than 3 members; the remaining ones were not scanned"]
    monkeypatch.setattr(archives, "MAX_MEMBER_BYTES", 10)
    budget = archives.Budget()
    bomb = gzip.compress(b"\0" * 1000)
    assert list(archives.members(bomb, "bomb.gz", budget)) == []
    assert budget.skipped == ["bomb.gz!/bomb: larger than 0 MiB uncompressed; not scanned"]
