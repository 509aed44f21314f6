"""Zip bundles for auditors: one writer (sorted members, fixed timestamps, SHA-256 of each member,
atomic) and one reader that treats every archive as hostile.

The reader is for bundles someone hands an auditor: it refuses, with a message and exit 2, anything
that is not a plain archive of regular files: names that climb out (``..``, absolute, backslashes,
drive letters), duplicate names, symbolic links, directories, encryption, methods other than stored
and deflate, more members or bytes than the limits, and members that inflate far more than their
compressed size (zip bombs). Nothing is extracted to disk; each member is inflated in bounded
chunks, so a lying size field cannot make it read more than the limit.
"""

from __future__ import annotations

import hashlib
import io
import stat
import struct
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from secplan.errors import InputError
from secplan.fsutil import atomic_writer, path_text

_FIXED_TIME = (1980, 1, 1, 0, 0, 0)
"""Every member gets the same timestamp: the same content gives the same bytes."""
_CHUNK = 1 << 16


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def digests(files: Mapping[str, bytes]) -> dict[str, str]:
    """Member name -> SHA-256 (hex), sorted by name: what a manifest lists."""
    return {name: sha256_hex(data) for name, data in sorted(files.items())}


def write_zip(out: Path, files: Mapping[str, bytes], *, perms: int = 0o600) -> None:
    """Write ``files`` to the zip ``out`` atomically (deflated, sorted, fixed timestamps)."""
    for name in files:
        check_name(name)
    with atomic_writer(out, "wb", perms=perms) as handle:
        _write(handle, files)


def zip_bytes(files: Mapping[str, bytes]) -> bytes:
    """The same zip as :func:`write_zip` writes, in memory (for a server's download)."""
    for name in files:
        check_name(name)
    buffer = io.BytesIO()
    _write(buffer, files)
    return buffer.getvalue()


def _write(handle: IO[bytes], files: Mapping[str, bytes]) -> None:
    with zipfile.ZipFile(handle, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in sorted(files.items()):
            info = zipfile.ZipInfo(name, _FIXED_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = (stat.S_IFREG | 0o644) << 16
            zf.writestr(info, data)


@dataclass(frozen=True)
class ZipLimits:
    """How much of an untrusted archive the reader accepts."""

    max_archive_bytes: int = 512 << 20
    max_members: int = 10_000
    max_member_bytes: int = 256 << 20
    max_total_bytes: int = 1 << 30
    max_ratio: int = 200
    """Largest inflated/compressed ratio accepted for members over 1 MiB inflated."""


DEFAULT_LIMITS = ZipLimits()


def check_name(name: str) -> str:
    """A member name that stays inside the archive's root on every OS, or InputError."""
    shown = path_text(name)
    if not name or name.startswith("/") or "\\" in name or "\x00" in name or (len(name) > 1 and name[1] == ":"):
        raise InputError(f"member {shown!r} has an absolute or non-portable name")
    if any(part in ("", ".", "..") for part in name.split("/")) or not name.isprintable():
        raise InputError(f"member {shown!r} has a name that leaves the archive or is not plain text")
    return name


def read_zip(path: Path, limits: ZipLimits = DEFAULT_LIMITS, *, what: str = "bundle") -> dict[str, bytes]:
    """Every member of the zip at ``path``, in archive order; InputError for anything unsafe or damaged."""
    where = path_text(path)
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise InputError(f"{where}: cannot read the {what} ({exc.strerror})") from None
    if size > limits.max_archive_bytes:
        raise InputError(f"{where}: the {what} is {size} bytes, more than the limit of {limits.max_archive_bytes}")
    _check_end_record(path, size, limits, where)
    try:
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
            _check_directory(infos, limits, where)
            out: dict[str, bytes] = {}
            total = 0
            for info in infos:
                data = _read_member(zf, info, limits, where)
                total += len(data)
                if total > limits.max_total_bytes:
                    raise InputError(f"{where}: members inflate to more than {limits.max_total_bytes} bytes")
                out[info.filename] = data
            return out
    except zipfile.BadZipFile as exc:
        raise InputError(f"{where}: not a zip archive, or a damaged or truncated one ({exc})") from None
    except (OSError, EOFError, ValueError, NotImplementedError, RuntimeError) as exc:
        raise InputError(f"{where}: the {what} cannot be read ({type(exc).__name__}: {exc})") from None


_EOCD = b"PK\x05\x06"
_ZIP64_LOCATOR = b"PK\x06\x07"
_DIRECTORY_BYTES_PER_MEMBER = 512
"""What one central directory record may take on average (46 bytes and a name): bounds the directory."""


def _check_end_record(path: Path, size: int, limits: ZipLimits, where: str) -> None:
    """Refuse an archive whose end record announces more members, or a bigger central directory, than
    the limits, before ``zipfile`` builds an object for every record."""
    with path.open("rb") as handle:
        handle.seek(max(0, size - (22 + 0xFFFF)))
        tail = handle.read()
        at = tail.rfind(_EOCD)
        if at < 0 or len(tail) < at + 22:
            return  # not a zip: zipfile says so
        count, directory = struct.unpack("<HI", tail[at + 10:at + 16])
        if (count == 0xFFFF or directory == 0xFFFFFFFF) and tail[at - 20:at - 16] == _ZIP64_LOCATOR:
            (offset,) = struct.unpack("<Q", tail[at - 12:at - 4])
            handle.seek(offset)
            record = handle.read(56)
            if len(record) == 56:
                count, directory = struct.unpack("<QQ", record[32:48])
    if count > limits.max_members:
        raise InputError(f"{where}: {count} members, more than the limit of {limits.max_members}")
    if directory > limits.max_members * _DIRECTORY_BYTES_PER_MEMBER:
        raise InputError(f"{where}: a central directory of {directory} bytes, more than the limit of "
                         f"{limits.max_members * _DIRECTORY_BYTES_PER_MEMBER}")


def _check_directory(infos: list[zipfile.ZipInfo], limits: ZipLimits, where: str) -> None:
    if len(infos) > limits.max_members:
        raise InputError(f"{where}: {len(infos)} members, more than the limit of {limits.max_members}")
    seen: set[str] = set()
    for info in infos:
        name = info.filename
        try:
            check_name(name)
        except InputError as exc:
            raise InputError(f"{where}: {exc.message}") from None
        if name in seen:
            raise InputError(f"{where}: member {path_text(name)!r} appears twice")
        seen.add(name)
        kind_bits = stat.S_IFMT(info.external_attr >> 16)  # 0 when the writer recorded no file type
        if info.is_dir() or kind_bits not in (0, stat.S_IFREG):
            kind = "a symbolic link" if kind_bits == stat.S_IFLNK else "not a regular file"
            raise InputError(f"{where}: member {path_text(name)!r} is {kind}")
        if info.flag_bits & 0x1:
            raise InputError(f"{where}: member {path_text(name)!r} is encrypted")
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise InputError(f"{where}: member {path_text(name)!r} uses compression method {info.compress_type}")
        if info.file_size > limits.max_member_bytes:
            raise InputError(f"{where}: member {path_text(name)!r} is {info.file_size} bytes, "
                             f"more than the limit of {limits.max_member_bytes}")


def _read_member(zf: zipfile.ZipFile, info: zipfile.ZipInfo, limits: ZipLimits, where: str) -> bytes:
    """The member's bytes, inflated chunk by chunk and stopped at the limits, whatever its header says."""
    cap = min(limits.max_member_bytes, info.file_size)
    chunks: list[bytes] = []
    read = 0
    with zf.open(info) as handle:
        while chunk := handle.read(_CHUNK):
            read += len(chunk)
            if read > cap:
                raise InputError(f"{where}: member {path_text(info.filename)!r} inflates to more than its "
                                 f"declared {info.file_size} bytes or the limit")
            if read > 1 << 20 and read > limits.max_ratio * max(info.compress_size, 1):
                raise InputError(f"{where}: member {path_text(info.filename)!r} inflates more than "
                                 f"{limits.max_ratio} times its size (a zip bomb?)")
            chunks.append(chunk)
    return b"".join(chunks)
