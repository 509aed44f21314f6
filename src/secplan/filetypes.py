"""What a file is, from its first bytes and its name: the one table of magic numbers and suffixes.

Two questions, two functions over the same table:

- :func:`identify` answers "what is this file, confidently?" from its content alone. Only
  signatures that ordinary text or data cannot start with by accident count, so discovery and the
  crypto layer can act on the answer (a ``.dat`` file that starts like a pickle is a model artifact,
  a file with secplan's header is encrypted).
- :func:`guess_format` answers "which parser should the model scanner try?". It starts from
  :func:`identify` and adds the weak guesses a scanner must make because loaders make them:
  pickles named ``.pkl`` or ``.pt`` whatever their first bytes, protocol 0 pickles (plain text),
  zlib streams, JSON, ONNX protobufs (no magic at all), a zip found from its end record. Each guess
  says whether it is confident, so the scanner can tell "not a pickle after all" from "a broken pickle".

Suffixes live here too (:data:`MODEL_SUFFIXES`, :data:`PICKLE_SUFFIXES`, :data:`DATASET_SUFFIXES`
...), so no engine keeps a list of its own. Parsers still check the record signatures inside the
structures they read (a zip's central directory entries); telling files apart is this module's job.
This module knows nothing of any pillar.
"""

from __future__ import annotations

import json
import struct
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

HEAD = 4096
"""Bytes from the start of a file that the signatures look at."""
TAIL = 65_557
"""Bytes from the end of a file in which a zip's end-of-central-directory record can sit."""

ENCRYPTED_MAGIC = b"\x89SPLNENC\r\n\x1a\n"
"""The first bytes of a file in secplan's encrypted format. PNG-style: a high byte and CR/LF/EOF
bytes, so that transfers that mangle binaries are detected."""


class Family(StrEnum):
    """What a type of file is for, as far as the engines that look at files care."""

    MODEL = "model"
    """A serialisation format model artifacts are stored in (pickle, NumPy, HDF5, GGUF, safetensors)."""
    ARCHIVE = "archive"
    """Holds members (zip, tar, 7z)."""
    COMPRESSED = "compressed"
    """One compressed stream (gzip, bz2, xz, lzma, lz4, zlib, zstd)."""
    DATASET = "dataset"
    """A columnar data format (Parquet, Arrow, Avro)."""
    ENCRYPTED = "encrypted"
    """secplan's encrypted format."""
    OTHER = "other"
    """Images, documents, executables, databases: nothing secplan analyses as a model or dataset."""


Signature = Callable[[bytes, "int | None"], bool]


@dataclass(frozen=True)
class FileType:
    """One entry of the table: a type of file and how its content gives it away."""

    name: str
    """Stable id, used in JSON (``ProjectFile.magic``, the scanner's ``format``)."""
    family: Family
    description: str
    """For messages: "a PNG image"."""
    matches: Signature
    """``matches(head, size)``: does a file that starts with ``head`` (``size`` bytes in all, when known) look like this?"""
    weak: bool = False
    """Ordinary data can start this way (two bytes, a printable first byte): a guess for the scanner only."""


@dataclass(frozen=True)
class Guess:
    """The parser :func:`guess_format` suggests."""

    format: str
    confident: bool
    """False when only the name or a loose pattern suggests the format: if its parser rejects the
    content outright, the file is simply not in that format."""


def _starts(*magics: bytes, at: int = 0) -> Signature:
    return lambda head, size: head.startswith(magics, at)


def _pickle_header(head: bytes, size: int | None) -> bool:
    return len(head) > 1 and head[0] == 0x80 and head[1] <= 5  # PROTO; loaders accept 0 to 5


def _hdf5(head: bytes, size: int | None) -> bool:
    # The superblock sits at 0 or after a user block of 512, 1024, 2048... bytes.
    return any(head.startswith(b"\x89HDF\r\n\x1a\n", at) for at in (0, 512, 1024, 2048))


def _tar(head: bytes, size: int | None) -> bool:
    if len(head) >= 262 and head[257:262] == b"ustar":
        return True
    if len(head) < 512 or head[0] == 0:  # the old v7 layout: only the header checksum tells
        return False
    try:
        stored = int(head[148:156].split(b"\x00")[0].strip() or b"-1", 8)
    except ValueError:
        return False
    return stored == sum(head[:148]) + 8 * 32 + sum(head[156:512])


def _safetensors(head: bytes, size: int | None) -> bool:
    # An 8-byte little-endian header length, then the JSON header. A length past the end of the
    # file still says safetensors (a malformed one the parser reports).
    if len(head) < 10 or head[8:9] != b"{":
        return False
    (length,) = struct.unpack_from("<Q", head)
    return length < 100_000_000 or (size is not None and length > size - 8)


def _zlib(head: bytes, size: int | None) -> bool:
    # 0x78 (deflate, 32 KiB window) and the four check bytes of streams without a preset dictionary.
    return len(head) >= 2 and head[0] == 0x78 and head[1] in (0x01, 0x5E, 0x9C, 0xDA)


def _riff(kind: bytes) -> Signature:
    return lambda head, size: head.startswith(b"RIFF") and head[8:12] == kind


def _pe(head: bytes, size: int | None) -> bool:
    if not head.startswith(b"MZ") or len(head) < 64:
        return False
    (at,) = struct.unpack_from("<I", head, 0x3C)
    return head[at:at + 4] == b"PE\x00\x00"


#: Checked in order; the first match wins.
TYPES: tuple[FileType, ...] = (
    FileType("secplan-encrypted", Family.ENCRYPTED, "a file in secplan's encrypted format", _starts(ENCRYPTED_MAGIC)),
    FileType("pickle", Family.MODEL, "a pickle", _pickle_header),
    FileType("zip", Family.ARCHIVE, "a zip archive", _starts(b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")),
    FileType("numpy", Family.MODEL, "a NumPy array", _starts(b"\x93NUMPY")),
    FileType("hdf5", Family.MODEL, "an HDF5 file", _hdf5),
    FileType("gguf", Family.MODEL, "a GGUF model", _starts(b"GGUF")),
    FileType("7z", Family.ARCHIVE, "a 7z archive", _starts(b"7z\xbc\xaf\x27\x1c")),
    FileType("gzip", Family.COMPRESSED, "gzip-compressed data", _starts(b"\x1f\x8b")),
    FileType("bz2", Family.COMPRESSED, "bzip2-compressed data", _starts(b"BZh")),
    FileType("xz", Family.COMPRESSED, "xz-compressed data", _starts(b"\xfd7zXZ\x00")),
    FileType("lz4", Family.COMPRESSED, "lz4-compressed data", _starts(b"\x04\x22\x4d\x18")),
    FileType("zstd", Family.COMPRESSED, "zstd-compressed data", _starts(b"\x28\xb5\x2f\xfd")),
    FileType("tar", Family.ARCHIVE, "a tar archive", _tar),
    FileType("safetensors", Family.MODEL, "a safetensors file", _safetensors),
    FileType("tflite", Family.MODEL, "a TensorFlow Lite model", _starts(b"TFL3", at=4)),
    FileType("catboost", Family.MODEL, "a CatBoost model", _starts(b"CBM1")),
    FileType("lightgbm", Family.MODEL, "a LightGBM text model", _starts(b"tree\nversion=v")),
    FileType("lightgbm-dataset", Family.MODEL, "a LightGBM binary dataset",
             _starts(b"______LightGBM_Binary_File_Token______\n")),
    FileType("lzma", Family.COMPRESSED, "lzma-compressed data", _starts(b"]\x00\x00")),
    FileType("parquet", Family.DATASET, "a Parquet file", _starts(b"PAR1")),
    FileType("arrow", Family.DATASET, "an Arrow IPC file", _starts(b"ARROW1\x00\x00")),
    FileType("avro", Family.DATASET, "an Avro file", _starts(b"Obj\x01")),
    FileType("png", Family.OTHER, "a PNG image", _starts(b"\x89PNG\r\n\x1a\n")),
    FileType("jpeg", Family.OTHER, "a JPEG image", _starts(b"\xff\xd8\xff")),
    FileType("gif", Family.OTHER, "a GIF image", _starts(b"GIF87a", b"GIF89a")),
    FileType("webp", Family.OTHER, "a WebP image", _riff(b"WEBP")),
    FileType("pdf", Family.OTHER, "a PDF document", _starts(b"%PDF-")),
    FileType("elf", Family.OTHER, "an ELF executable or library", _starts(b"\x7fELF")),
    FileType("mach-o", Family.OTHER, "a Mach-O executable or library",
             _starts(b"\xfe\xed\xfa\xce", b"\xfe\xed\xfa\xcf", b"\xce\xfa\xed\xfe", b"\xcf\xfa\xed\xfe")),
    FileType("pe", Family.OTHER, "a Windows executable or library", _pe),
    FileType("wasm", Family.OTHER, "a WebAssembly module", _starts(b"\x00asm")),
    FileType("sqlite", Family.OTHER, "an SQLite database", _starts(b"SQLite format 3\x00")),
    FileType("zlib", Family.COMPRESSED, "zlib-compressed data", _zlib, weak=True),
)
BY_NAME: dict[str, FileType] = {t.name: t for t in TYPES}
_PARSED = {Family.MODEL, Family.ARCHIVE, Family.COMPRESSED}
"""Families the model scanner has parsers for (or opens to reach what they hold)."""


def identify(head: bytes, size: int | None = None) -> FileType | None:
    """What a file that starts with ``head`` is, when its content says so unmistakably; None otherwise.

    Never a guess from a name or a loose pattern: a text file is never called a pickle here.
    """
    for kind in TYPES:
        if not kind.weak and kind.matches(head, size):
            return kind
    return None


def is_encrypted(head: bytes) -> bool:
    """Whether ``head`` starts with secplan's encrypted-format header (read ``len(ENCRYPTED_MAGIC)`` bytes)."""
    return head.startswith(ENCRYPTED_MAGIC)


def guess_format(head: bytes, name: str = "", size: int | None = None, tail: bytes = b"") -> Guess | None:
    """Which parser the model scanner should try on a stream that starts with ``head`` (``tail``: its
    last :data:`TAIL` bytes, ``name``: its file or member name); None when nothing suggests one.

    Content comes first: a PNG named ``model.pt`` is not guessed a pickle by its name unless nothing
    else is left to try, and then only weakly.
    """
    if not head:
        return None
    found = identify(head, size)
    if found is not None and found.family in _PARSED:
        return Guess(found.name, True)
    if _zlib(head, size):
        return Guess("zlib", False)
    if b"PK\x05\x06" in tail:
        return Guess("zip", True)  # data prepended to a zip: loaders that start from the end still read it
    if _json_object(head):
        return Guess("json", False)
    named = _NAMED_PROTOBUF.get(name.rsplit("/", 1)[-1].lower())
    if named is not None and found is None:  # a PNG named saved_model.pb is a PNG
        return Guess(named, False)
    if head[:1] == b"\x08" and size is not None:
        return Guess("onnx", False)  # protobuf has no magic: field 1 (ir_version) as a varint
    if suffix(name) == ".pb" and found is None:
        return Guess("tf-graphdef", False)  # a frozen TensorFlow graph: its nodes are field 1
    if name.lower().endswith(_PICKLE_ENDINGS) or looks_like_old_pickle(head):
        return Guess("pickle", False)
    return None


_NAMED_PROTOBUF = {"saved_model.pb": "tf-savedmodel", "keras_metadata.pb": "tf-keras-metadata",
                   "fingerprint.pb": "tf-fingerprint"}
"""TensorFlow SavedModel files: protobuf has no magic number, and TensorFlow finds them by these names."""

_PROTO01_FIRST = set(b"(}]).cNIJKLMFGSTUVXglprq0N\x88\x89")


def looks_like_old_pickle(head: bytes) -> bool:
    """Protocol 0/1 pickles have no header: text that starts like one and names a global."""
    if not head or head[0] not in _PROTO01_FIRST:
        return False
    if head[:1] in (b"c", b"i"):
        line = head[1:].split(b"\n", 2)
        return len(line) == 3 and all(part and part.replace(b".", b"").replace(b"_", b"").isalnum()
                                      for part in line[:2])
    return (b"\nc" in head[:256] and head.rstrip().endswith(b".")) or head.startswith((b"(dp0\n", b"(lp0\n"))


def _json_object(head: bytes) -> bool:
    text = head.lstrip()
    if not text.startswith(b"{"):
        return False
    try:
        json.loads(head)
        return True
    except ValueError:
        return b'"class_name"' in head or b'"config"' in head  # a Keras config longer than the head


# -- suffixes -------------------------------------------------------------------------------------

PICKLE_SUFFIXES = frozenset({".pkl", ".pickle", ".pt", ".pth", ".bin", ".ckpt", ".joblib", ".dill",
                             ".cloudpickle"})
"""Model files their loaders unpickle (``pickle.load``, ``torch.load``, ``joblib.load``...), whatever their first bytes."""
_PICKLE_ENDINGS = tuple(sorted(PICKLE_SUFFIXES | {".data"}))
"""Names :func:`guess_format` tries as pickles: those, and ``.data``, a name pickled data is often saved under."""
PICKLE_BASED_SUFFIXES = PICKLE_SUFFIXES | {".mar"}
"""Model formats whose loading unpickles (a TorchServe ``.mar`` is a zip of them)."""
DATA_ONLY_MODEL_SUFFIXES = frozenset({".safetensors", ".onnx", ".gguf", ".skops", ".ubj", ".tflite", ".cbm"})
"""Model formats that hold data only: loading them runs no code of the file's."""
MODEL_SUFFIXES = PICKLE_BASED_SUFFIXES | DATA_ONLY_MODEL_SUFFIXES | {
    ".h5", ".hdf5", ".keras", ".npy", ".npz", ".model", ".pb"}
"""Every suffix model artifacts are stored under."""
ARCHIVE_SUFFIXES = frozenset({".zip", ".tar", ".tgz", ".7z"})
COMPRESSION_SUFFIXES = frozenset({".gz", ".bz2", ".xz", ".lzma", ".lz4", ".z", ".zst"})
TABLE_SUFFIXES: dict[str, str] = {".csv": "csv", ".tsv": "tsv", ".tab": "tsv", ".parquet": "parquet",
                                  ".pq": "parquet", ".jsonl": "jsonl", ".ndjson": "jsonl"}
"""Tabular dataset suffixes and the table format each names."""
DATASET_SUFFIXES = frozenset(TABLE_SUFFIXES) | {".feather", ".arrow", ".orc", ".avro", ".xlsx", ".xls"}
"""Every suffix datasets are stored under (compressed ones too: see :func:`is_dataset_name`)."""
COMPRESSED_DATASET_SUFFIXES = frozenset({".csv.gz", ".jsonl.gz", ".txt.gz"})
_NAMED_FORMATS = {**dict.fromkeys(PICKLE_SUFFIXES, "pickle"), ".npy": "numpy", ".h5": "hdf5", ".hdf5": "hdf5",
                  ".onnx": "onnx", ".gguf": "gguf", ".safetensors": "safetensors", ".zip": "zip", ".npz": "zip",
                  ".keras": "zip", ".mar": "zip", ".tar": "tar", ".7z": "7z"}


def suffix(name: str) -> str:
    """The last suffix of a file or member name, lower-cased (``""`` for none)."""
    base = name.rsplit("/", 1)[-1].lower()
    dot = base.rfind(".")
    return base[dot:] if dot > 0 else ""


def without_compression_suffix(name: str) -> str:
    """``model.pkl.gz`` -> ``model.pkl``: the name of what a compressed file holds."""
    end = suffix(name)
    return name[:-len(end)] if end in COMPRESSION_SUFFIXES else name


def named_format(name: str) -> str | None:
    """The model or archive format a name says (``.pt`` -> ``pickle``, ``.npz`` -> ``zip``), whatever the content."""
    return _NAMED_FORMATS.get(suffix(name))


_LIBRARY_NAMED = {".ubj": "ubjson", ".json": "json", ".skops": "skops"}


def library_named_format(name: str) -> str | None:
    """``ubjson`` (XGBoost), ``json`` or ``skops`` when the name says one of the model formats whose
    bytes alone do not (a UBJSON object, a JSON document, a zip): the reader then checks the structure."""
    return _LIBRARY_NAMED.get(suffix(name))


def table_format(name: str) -> str | None:
    """``csv``, ``tsv``, ``parquet`` or ``jsonl`` when the name says a table in that format."""
    return TABLE_SUFFIXES.get(suffix(name))


def is_dataset_name(name: str) -> bool:
    """Whether the name says dataset: ``train.parquet``, ``rows.csv.gz``."""
    inner = without_compression_suffix(name)
    return suffix(inner) in DATASET_SUFFIXES or (inner != name and suffix(inner) + suffix(name) in
                                                 COMPRESSED_DATASET_SUFFIXES)


def may_hold_model(name: str, content: str | None = None) -> bool:
    """Whether the model scanner should look at a file it meets in a folder: its name is a model's or
    an archive's, or its content (a type or format name from :func:`identify` or :func:`guess_format`)
    is a model format, an archive or a compressed stream, unless the name says a compressed dataset.
    """
    if is_dataset_name(name):
        return False
    inner = without_compression_suffix(name)
    if suffix(inner) in MODEL_SUFFIXES | ARCHIVE_SUFFIXES or (inner != name and not suffix(inner)):
        return True
    kind = BY_NAME.get(content or "")
    return kind is not None and kind.family in _PARSED
