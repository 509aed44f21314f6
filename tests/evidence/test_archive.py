"""The one zip reader for bundles handed to an auditor: hostile archives are refused with a message
(InputError, exit 2) before anything is inflated past the limits; the writer gives the same bytes
for the same files."""

from __future__ import annotations

import stat
import struct
import zipfile
from pathlib import Path

import pytest

from secplan.archive import ZipLimits, digests, read_zip, write_zip
from secplan.errors import InputError


def make_zip(path: Path, members: list[tuple[zipfile.ZipInfo | str, bytes]]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for info, data in members:
            zf.writestr(info, data)
    return path


def refused(path: Path, match: str, limits: ZipLimits | None = None) -> None:
    with pytest.raises(InputError, match=match):
        read_zip(path, limits or ZipLimits())


@pytest.mark.parametrize("name", ["../evil.json", "a/../../evil.json", "/etc/passwd", "a\\..\\b", "C:evil",
                                  "a//b", "./a", "a/\x1b[31m"])
def test_names_that_leave_the_archive(tmp_path, name):
    refused(make_zip(tmp_path / "b.zip", [(name, b"{}")]), "name")


def test_duplicate_names(tmp_path):
    with pytest.warns(UserWarning, match="Duplicate name"):
        path = make_zip(tmp_path / "b.zip", [("manifest.json", b"{}"), ("manifest.json", b'{"evil": 1}')])
    refused(path, "appears twice")


def test_symbolic_link(tmp_path):
    info = zipfile.ZipInfo("keys/ledger.vkey")
    info.external_attr = (stat.S_IFLNK | 0o777) << 16
    path = make_zip(tmp_path / "b.zip", [(info, b"/etc/passwd")])
    refused(path, "symbolic link")


def test_directory_member(tmp_path):
    path = make_zip(tmp_path / "b.zip", [("model/", b"")])
    refused(path, "model/")


def test_encrypted_member(tmp_path):
    path = make_zip(tmp_path / "b.zip", [("manifest.json", b"{}")])
    raw = bytearray(path.read_bytes())  # zipfile writes no encrypted members: set the flag bit by hand
    raw[6] |= 0x1
    raw[raw.index(b"PK\x01\x02") + 8] |= 0x1
    path.write_bytes(bytes(raw))
    refused(path, "encrypted")


def test_zip_bomb(tmp_path):
    path = make_zip(tmp_path / "b.zip", [("ledger/entries.jsonl", bytes(64 << 20))])
    assert path.stat().st_size < 1 << 20
    refused(path, "zip bomb")


def test_member_and_total_limits(tmp_path):
    path = make_zip(tmp_path / "b.zip", [(f"m{i}.json", b"{}") for i in range(6)])
    refused(path, "6 members", ZipLimits(max_members=5))
    big = make_zip(tmp_path / "big.zip", [("a.json", b"x" * 5000)])
    refused(big, "limit", ZipLimits(max_member_bytes=4096))
    two = make_zip(tmp_path / "two.zip", [("a.json", b"x" * 3000), ("b.json", b"y" * 3000)])
    refused(two, "inflate to more than", ZipLimits(max_total_bytes=5000))
    refused(two, "more than the limit", ZipLimits(max_archive_bytes=100))


def test_an_end_record_announcing_too_many_members(tmp_path):
    """Refused from the end record alone, before a record is parsed for each announced member."""
    path = make_zip(tmp_path / "b.zip", [("a.json", b"{}")])
    raw = bytearray(path.read_bytes())
    end = raw.rindex(b"PK\x05\x06")
    raw[end + 8:end + 12] = struct.pack("<HH", 0xFFFE, 0xFFFE)
    path.write_bytes(bytes(raw))
    refused(path, "65534 members")
    raw[end + 8:end + 16] = struct.pack("<HHI", 1, 1, 50_000_000)
    path.write_bytes(bytes(raw))
    refused(path, "central directory of 50000000 bytes")


def test_a_size_field_that_lies(tmp_path):
    """The central directory says 10 bytes; the reader reads no more than that, and the CRC then fails."""
    info = zipfile.ZipInfo("a.json")
    info.compress_type = zipfile.ZIP_STORED
    path = make_zip(tmp_path / "b.zip", [(info, b'{"a": "' + b"x" * 100 + b'"}')])
    raw = bytearray(path.read_bytes())
    central = raw.index(b"PK\x01\x02")
    raw[central + 24:central + 28] = struct.pack("<I", 10)
    path.write_bytes(bytes(raw))
    refused(path, "damaged")


def test_truncated_and_not_a_zip(tmp_path):
    good = write_zip_file(tmp_path / "good.zip")
    truncated = tmp_path / "truncated.zip"
    truncated.write_bytes(good.read_bytes()[: good.stat().st_size // 2])
    refused(truncated, "not a zip archive")
    text = tmp_path / "notes.zip"
    text.write_text("not a zip at all\n")
    refused(text, "not a zip archive")
    refused(tmp_path / "missing.zip", "cannot read")


def write_zip_file(path: Path) -> Path:
    write_zip(path, {"b.json": b"{}\n", "a/c.txt": b"text\n"})
    return path


def test_writer_is_deterministic_and_reader_reads_it_back(tmp_path):
    first = write_zip_file(tmp_path / "one.zip").read_bytes()
    second = write_zip_file(tmp_path / "two.zip").read_bytes()
    assert first == second
    assert read_zip(tmp_path / "one.zip") == {"a/c.txt": b"text\n", "b.json": b"{}\n"}
    assert list(digests({"b": b"", "a": b"x"})) == ["a", "b"]
    assert (tmp_path / "one.zip").stat().st_mode & 0o777 == 0o600


def test_writer_refuses_a_name_that_leaves_the_archive(tmp_path):
    with pytest.raises(InputError, match="name"):
        write_zip(tmp_path / "out.zip", {"../x": b""})
    assert not (tmp_path / "out.zip").exists()
