"""Tell an artifact's format from its bytes (magic numbers and structure), never from its name.

Names only break ties that content cannot: a ``.pkl`` member of an archive is interpreted as a
pickle even if its first bytes are unusual, because that is what a loader would do with it.
"""

from __future__ import annotations

import json
import struct

HEAD = 4096
PICKLE_SUFFIXES = (".pkl", ".pickle", ".pt", ".pth", ".bin", ".ckpt", ".joblib", ".dill", ".data")

_PROTO01_FIRST = set(b"(}]).cNIJKLMFGSTUVXglprq0N\x88\x89")


def detect(head: bytes, name: str = "", size: int | None = None, tail: bytes = b"") -> str | None:
    """The format of a stream that starts with ``head`` (and, for zip, ends with ``tail``)."""
    if not head:
        return None
    if head[:1] == b"\x80" and len(head) > 1 and head[1] <= 5:
        return "pickle"
    if head.startswith((b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")):
        return "zip"
    if head.startswith(b"\x93NUMPY"):
        return "numpy"
    if head.startswith(b"\x89HDF\r\n\x1a\n") or head[512:520] == b"\x89HDF\r\n\x1a\n":
        return "hdf5"
    if head.startswith(b"GGUF"):
        return "gguf"
    if head.startswith(b"7z\xbc\xaf\x27\x1c"):
        return "7z"
    if head.startswith(b"\x1f\x8b"):
        return "gzip"
    if head.startswith(b"BZh"):
        return "bz2"
    if head.startswith(b"\xfd7zXZ\x00"):
        return "xz"
    if head.startswith(b"\x04\x22\x4d\x18"):
        return "lz4"
    if head.startswith(b"]\x00\x00"):
        return "lzma"
    if len(head) >= 2 and head[0] == 0x78 and (head[0] * 256 + head[1]) % 31 == 0:
        return "zlib"
    if (len(head) >= 262 and head[257:262] == b"ustar") or _v7_tar(head):
        return "tar"
    if _safetensors(head, size):
        return "safetensors"
    if b"PK\x05\x06" in tail:
        return "zip"  # data prepended to a zip: loaders that start from the end still read it
    if _json_object(head):
        return "json"
    if head[:1] in (b"\x08",) and size is not None:
        return "onnx?"  # protobuf has no magic; the ONNX handler confirms or rejects
    if name.lower().endswith(PICKLE_SUFFIXES) or looks_like_old_pickle(head):
        return "pickle"
    return None


def looks_like_old_pickle(head: bytes) -> bool:
    """Protocol 0/1 pickles have no header: accept text that starts like one and names a global."""
    if not head or head[0] not in _PROTO01_FIRST:
        return False
    if head[:1] == b"c" or head[:1] == b"i":
        line = head[1:].split(b"\n", 2)
        return len(line) == 3 and all(part and part.replace(b".", b"").replace(b"_", b"").isalnum()
                                      for part in line[:2])
    return (b"\nc" in head[:256] and head.rstrip().endswith(b".")) or head.startswith((b"(dp0\n", b"(lp0\n"))


def _v7_tar(head: bytes) -> bool:
    if len(head) < 512 or head[0] == 0:
        return False
    try:
        stored = int(head[148:156].split(b"\x00")[0].strip() or b"-1", 8)
    except ValueError:
        return False
    computed = sum(head[:148]) + 8 * 32 + sum(head[156:512])
    return stored == computed


def _safetensors(head: bytes, size: int | None) -> bool:
    if len(head) < 10:
        return False
    (length,) = struct.unpack("<Q", head[:8])
    if size is not None and length > size - 8:
        return head[8:9] == b"{"
    return head[8:9] == b"{" and length < 100_000_000


def _json_object(head: bytes) -> bool:
    text = head.lstrip()
    if not text.startswith(b"{"):
        return False
    try:
        json.loads(head)
        return True
    except ValueError:
        return b'"class_name"' in head or b'"config"' in head
