"""The one file-type module: confident identification, the scanner's guesses, suffixes, and that
no other module keeps a magic number or a model/data suffix of its own."""

from __future__ import annotations

import ast
import gzip
import io
import pickle
import sys
import zipfile
from pathlib import Path

import pytest

from secplan import filetypes
from secplan.filetypes import ENCRYPTED_MAGIC, Family, guess_format, identify, may_hold_model

SRC = Path(__file__).resolve().parents[1] / "src" / "secplan"


def _png() -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (4, 4), (200, 10, 10)).save(out, "PNG")
    return out.getvalue()


def _zip(members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return out.getvalue()


@pytest.mark.parametrize(("data", "name", "family"), [
    (pickle.dumps({"a": 1}, protocol=4), "pickle", Family.MODEL),
    (pickle.dumps({"a": 1}, protocol=2), "pickle", Family.MODEL),
    (b"\x93NUMPY\x01\x00v\x00{'descr': '<f8'}", "numpy", Family.MODEL),
    (b"\x89HDF\r\n\x1a\n\x00\x00", "hdf5", Family.MODEL),
    (b"\x00" * 512 + b"\x89HDF\r\n\x1a\n", "hdf5", Family.MODEL),  # after a 512-byte user block
    (b"GGUF\x03\x00\x00\x00", "gguf", Family.MODEL),
    (b"\x08\x00\x00\x00\x00\x00\x00\x00{}      ", "safetensors", Family.MODEL),
    (ENCRYPTED_MAGIC + b"\x00" * 20, "secplan-encrypted", Family.ENCRYPTED),
    (gzip.compress(b"x", mtime=0), "gzip", Family.COMPRESSED),
    (b"PAR1\x15\x04", "parquet", Family.DATASET),
    (b"%PDF-1.7\n", "pdf", Family.OTHER),
    (b"\x7fELF\x02\x01\x01", "elf", Family.OTHER),
    (b"SQLite format 3\x00", "sqlite", Family.OTHER),
], ids=lambda value: value if isinstance(value, str) else None)
def test_identify_names_what_the_bytes_say(data: bytes, name: str, family: Family) -> None:
    found = identify(data, len(data))
    assert found is not None and (found.name, found.family) == (name, family)


def test_identify_reads_real_files() -> None:
    assert identify(_png()).name == "png"
    assert identify(_zip({"a.txt": b"x"})).name == "zip"
    assert identify(Path(sys.executable).resolve().read_bytes()[:filetypes.HEAD]).family is Family.OTHER


@pytest.mark.parametrize("text", [
    b"", b"just text\n", b"x^ is a zlib header by accident", b"(lp0\nI1\na.", b"cos\nsystem\n(S'id'\ntR.",
    b'{"class_name": "Sequential"}', b"\x08\x01\x12\x03abc", b"name,age\nAda,36\n",
])
def test_identify_never_guesses(text: bytes) -> None:
    # Text, protocol 0 pickles, JSON, protobuf and zlib-looking bytes have no unmistakable signature.
    assert identify(text, len(text)) is None


def test_guess_format_adds_the_scanners_weak_guesses() -> None:
    old = b"cos\nsystem\n(S'id'\ntR."
    assert guess_format(old, "x", len(old)) == filetypes.Guess("pickle", False)
    assert guess_format(b"anything at all", "model.pt", 15) == filetypes.Guess("pickle", False)
    assert guess_format(b"anything at all", "notes.txt", 15) is None
    assert guess_format(b'{"class_name": "Dense"}', "c", 23).format == "json"
    assert guess_format(b"\x08\x07\x12", "m", 3).format == "onnx"
    assert guess_format(b"x\x9c\x01\x02", "m", 4) == filetypes.Guess("zlib", False)
    assert guess_format(b"x \x01\x02", "m", 4) is None  # a preset-dictionary bit: not a stream zlib reads
    assert guess_format(pickle.dumps(1, protocol=4), "notes.txt", 10) == filetypes.Guess("pickle", True)


def test_content_wins_over_the_name_and_the_tail_finds_a_prepended_zip() -> None:
    png = _png()
    assert guess_format(png, "model.pt", len(png)) == filetypes.Guess("pickle", False)  # only the name is left
    assert guess_format(gzip.compress(b"x", mtime=0), "model.pt", 20).format == "gzip"
    polyglot = png + _zip({"archive/data.pkl": pickle.dumps(1)})
    assert guess_format(polyglot[:filetypes.HEAD], "a.png", len(polyglot), polyglot[-filetypes.TAIL:]) == \
        filetypes.Guess("zip", True)


def test_safetensors_before_lzma() -> None:
    # A 93-byte safetensors header starts with ']\x00\x00', which is also LZMA's header.
    head = (93).to_bytes(8, "little") + b'{"a": 1}'
    assert identify(head, 200).name == "safetensors"


def test_suffixes() -> None:
    assert filetypes.suffix("Dir.v2/Model.PT") == ".pt" and filetypes.suffix(".bashrc") == ""
    assert filetypes.without_compression_suffix("model.pkl.gz") == "model.pkl"
    assert filetypes.named_format("weights.npz") == "zip" and filetypes.named_format("a.pkl") == "pickle"
    assert filetypes.table_format("x.TAB") == "tsv" and filetypes.table_format("x.txt") is None
    assert filetypes.is_dataset_name("rows.csv.gz") and filetypes.is_dataset_name("t.parquet")
    assert not filetypes.is_dataset_name("model.pkl.gz")
    assert filetypes.PICKLE_SUFFIXES <= filetypes.PICKLE_BASED_SUFFIXES <= filetypes.MODEL_SUFFIXES
    assert not filetypes.DATA_ONLY_MODEL_SUFFIXES & filetypes.PICKLE_BASED_SUFFIXES


@pytest.mark.parametrize(("name", "content", "expected"), [
    ("model.pt", None, True), ("bundle.tar.gz", "gzip", True), ("weights.gz", "gzip", True),
    ("weights.dat", "pickle", True), ("blob", "zip", True), ("blob", "zlib", True),
    ("rows.csv.gz", "gzip", False), ("train.parquet", "parquet", False), ("notes.txt", None, False),
    ("config.json", "json", False), ("photo.jpg", "jpeg", False), ("secret.bin.enc", "secplan-encrypted", False),
])
def test_may_hold_model(name: str, content: str | None, expected: bool) -> None:
    assert may_hold_model(name, content) is expected


def test_the_table_is_the_only_place_for_magic_numbers_and_suffixes() -> None:
    magics = [b"PAR1", b"\x89HDF", b"GGUF", b"\x93NUMPY", b"\x1f\x8b", b"BZh", b"7z\xbc\xaf", b"\x89PNG",
              b"\xff\xd8\xff", b"%PDF", b"\x7fELF", b"SQLite format", ENCRYPTED_MAGIC[:6], b"\x80\x04"]
    suffixes = (filetypes.MODEL_SUFFIXES | filetypes.DATASET_SUFFIXES | filetypes.ARCHIVE_SUFFIXES
                | filetypes.COMPRESSION_SUFFIXES)
    # zipread parses the zip's own records (central directory, local headers): not a file-type check.
    allowed = {SRC / "filetypes.py", SRC / "model" / "scan" / "zipread.py"}
    found = []
    for path in sorted(SRC.rglob("*.py")):
        if path in allowed:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Constant):
                continue
            value = node.value
            if isinstance(value, bytes) and any(value.startswith(m) for m in magics):
                found.append(f"{path.relative_to(SRC)}:{node.lineno} {value[:8]!r}")
            if isinstance(value, str) and value.lower() in suffixes:
                found.append(f"{path.relative_to(SRC)}:{node.lineno} {value!r}")
    # The OSV database loader names the export formats OSV publishes, which are not project files.
    assert [f for f in found if not f.startswith("platform/osv/sources.py")] == []
