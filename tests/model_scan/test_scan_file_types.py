"""Detection depth: files that are not models, whatever their names, are ``unsupported`` (never an
error, never safe); a payload behind another format's header is still found; an encrypted zip
member is reported once, as encrypted."""

from __future__ import annotations

import gzip
import io
import json
import pickle
import pickletools
import shutil
import subprocess
from pathlib import Path

import pytest

from secplan.cli.app import main
from secplan.filetypes import MODEL_SUFFIXES
from secplan.model.scan import Verdict, scan_file

from .corpus import call_system, torch_zip

ZIP = shutil.which("zip")


def _image(fmt: str) -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (16, 8), (10, 120, 200)).save(out, fmt)
    return out.getvalue()


def _not_models() -> dict[str, tuple[bytes, str]]:
    """Real files of other formats, each with the format the scan should report."""
    elf = Path(shutil.which("true") or "/bin/true").resolve().read_bytes()
    return {
        "png": (_image("PNG"), "png"),
        "jpeg": (_image("JPEG"), "jpeg"),
        "pdf": (_image("PDF"), "pdf"),
        "gzip-of-text": (gzip.compress(b"release notes\n\nnothing to see here\n" * 20), "gzip+unknown"),
        "text": (b"Model card\n==========\n\nThis folder holds the weights.\n", "unknown"),
        "empty": (b"", "unknown"),
        "elf": (elf, "elf"),
    }


NOT_MODELS = _not_models()


@pytest.mark.parametrize("kind", sorted(NOT_MODELS))
def test_a_renamed_non_model_is_unsupported_under_every_model_suffix(kind: str, tmp_path: Path) -> None:
    data, fmt = NOT_MODELS[kind]
    for suffix in sorted(MODEL_SUFFIXES):
        path = tmp_path / f"artifact{suffix}"
        path.write_bytes(data)
        result = scan_file(path)
        where = (suffix, [f.to_dict() for f in result.findings])
        assert result.verdict is Verdict.UNSUPPORTED, where
        assert [f.rule for f in result.findings] == ["not-a-model"], where
        assert result.format == fmt, where


def test_the_finding_says_what_the_file_is(tmp_path: Path) -> None:
    (tmp_path / "model.pt").write_bytes(NOT_MODELS["png"][0])
    (tmp_path / "weights.bin").write_bytes(NOT_MODELS["text"][0])
    (tmp_path / "empty.pkl").write_bytes(b"")
    png, text, empty = (scan_file(tmp_path / n).findings[0].message for n in ("model.pt", "weights.bin", "empty.pkl"))
    assert png.startswith("the content is a PNG image, not a model format") and "named like a pickle" in png
    assert "named like a pickle, but a pickle loader rejects it at byte 4 before importing or calling anything" in text
    assert empty == "the file is empty"


def test_a_folder_of_renamed_files_exits_2_with_no_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    for kind, (data, _) in NOT_MODELS.items():
        (tmp_path / f"{kind}.pt").write_bytes(data)
    with pytest.raises(SystemExit) as exc:
        main(["model", "scan", str(tmp_path), "-f", "json", "--no-record"])
    summary = json.loads(capsys.readouterr().out)["summary"]
    assert exc.value.code == 2
    assert summary == {"files": len(NOT_MODELS), "safe": 0, "suspicious": 0, "unsafe": 0, "error": 0,
                       "unsupported": len(NOT_MODELS), "no-unsafe-code": 0}


def test_a_pickle_behind_an_image_header_is_still_caught(tmp_path: Path) -> None:
    # "GIF89a" reads as BINFLOAT "G" and 8 bytes; POP drops the float and the payload follows.
    polyglot = b"GIF89a\x10\x00\x08" + b"0" + call_system("id")
    list(pickletools.genops(polyglot))  # a valid pickle stream, as an unpickler reads it
    (tmp_path / "avatar.pkl").write_bytes(polyglot)
    result = scan_file(tmp_path / "avatar.pkl")
    assert result.verdict is Verdict.UNSAFE and "pickle-dangerous-global" in {f.rule for f in result.findings}


def test_a_truncated_real_pickle_is_still_an_error(tmp_path: Path) -> None:
    data = pickle.dumps({"w": list(range(100))}, protocol=4)
    (tmp_path / "cut.pkl").write_bytes(data[: len(data) // 2])
    assert scan_file(tmp_path / "cut.pkl").verdict is Verdict.ERROR


def _encrypted_zip(tmp_path: Path, members: dict[str, bytes], *, stored: bool) -> Path:
    src = tmp_path / "src"
    for name, data in members.items():
        (src / name).parent.mkdir(parents=True, exist_ok=True)
        (src / name).write_bytes(data)
    out = tmp_path / "encrypted.pt"
    subprocess.run([ZIP, "-q", "-r", "-P", "secret", "-0" if stored else "-6", str(out), *members], cwd=src,
                   check=True)
    return out


@pytest.mark.skipif(ZIP is None, reason="needs Info-ZIP's zip (scripts/system-packages.txt)")
@pytest.mark.parametrize("stored", [False, True])
def test_an_encrypted_member_is_reported_once_as_encrypted(tmp_path: Path, stored: bool) -> None:
    weights = pickle.dumps({"w": [0.5] * 2000}, protocol=2)
    path = _encrypted_zip(tmp_path, {"archive/data.pkl": weights, "archive/version": b"3\n"}, stored=stored)
    result = scan_file(path)
    by_member: dict[str, list[str]] = {}
    for finding in result.findings:
        by_member.setdefault(finding.member or "", []).append(finding.rule)
    assert by_member == {"archive/data.pkl": ["zip-encrypted-flag"], "archive/version": ["zip-encrypted-flag"]}
    assert result.verdict is Verdict.SUSPICIOUS
    assert all("cannot be analysed" in f.message for f in result.findings)


def test_a_payload_in_clear_behind_the_flag_and_a_forged_crc_is_still_unsafe(tmp_path: Path) -> None:
    import struct

    data = bytearray(torch_zip(call_system("id")))
    local, central = data.find(b"PK\x03\x04"), data.find(b"PK\x01\x02")
    struct.pack_into("<H", data, local + 6, 0x1)
    struct.pack_into("<H", data, central + 8, 0x1)
    struct.pack_into("<I", data, local + 14, 0xDEADBEEF)
    struct.pack_into("<I", data, central + 16, 0xDEADBEEF)
    (tmp_path / "trick.pt").write_bytes(bytes(data))
    result = scan_file(tmp_path / "trick.pt")
    assert result.verdict is Verdict.UNSAFE
    assert {"zip-encrypted-flag", "pickle-dangerous-global"} <= {f.rule for f in result.findings}
    assert "zip-crc-mismatch" not in {f.rule for f in result.findings}


@pytest.mark.parametrize("header_encryption", [False, True])
def test_an_encrypted_7z_archive_is_reported_once_as_encrypted(tmp_path: Path, header_encryption: bool) -> None:
    import py7zr

    (tmp_path / "model.pkl").write_bytes(pickle.dumps({"w": [1.0] * 100}))
    path = tmp_path / "bundle.7z"
    with py7zr.SevenZipFile(path, "w", password="secret", header_encryption=header_encryption) as archive:
        archive.write(tmp_path / "model.pkl", "model.pkl")
    result = scan_file(path)
    assert [f.rule for f in result.findings] == ["archive-encrypted"]
    assert result.verdict is Verdict.SUSPICIOUS


@pytest.mark.skipif(ZIP is None, reason="needs Info-ZIP's zip (scripts/system-packages.txt)")
def test_an_encrypted_member_too_large_to_check_is_still_reported_once(tmp_path: Path) -> None:
    from secplan.model.scan.options import ScanOptions

    weights = pickle.dumps({"w": [0.5] * 2000}, protocol=2)
    path = _encrypted_zip(tmp_path, {"archive/data.pkl": weights}, stored=False)
    result = scan_file(path, ScanOptions(crc_check_max=16))
    assert [f.rule for f in result.findings] == ["zip-encrypted-flag"]
    assert "too large to check" in result.findings[0].message


def test_the_hdf5_time_limit_is_a_budget_so_the_file_is_unsafe(tmp_path: Path,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    from secplan.model.scan.formats import hdf5

    from .corpus import keras_h5

    keras_h5(tmp_path / "model.h5", {"class_name": "Sequential", "config": {"name": "s", "layers": []}})
    hdf5._WORKER.stop()  # a fresh child cannot answer within no time at all
    monkeypatch.setattr(hdf5, "TIMEOUT_S", 0)
    result = scan_file(tmp_path / "model.h5")
    assert result.verdict is Verdict.UNSAFE
    assert [f.rule for f in result.findings] == ["scan-limit"] and "not fully scanned" in result.findings[0].message


def test_an_onnx_model_past_the_parser_bound_is_unsafe_not_fully_scanned(tmp_path: Path,
                                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    import onnx

    from secplan.model.scan.formats import onnx_model

    from .corpus import onnx_model as build

    onnx.save_model(build(), str(tmp_path / "model.onnx"))
    assert scan_file(tmp_path / "model.onnx").verdict is Verdict.SAFE
    monkeypatch.setattr(onnx_model, "MAX_SIZE", 16)
    result = scan_file(tmp_path / "model.onnx")
    assert result.verdict is Verdict.UNSAFE and [f.rule for f in result.findings] == ["scan-limit"]
