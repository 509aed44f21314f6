"""The files inside archives and compressed files (zip, tar, gzip, bzip2, xz), read in memory for the
secrets scan: a credential in a zipped export or a tarred config is as leaked as one in the tree.

Nothing is ever extracted to disk or executed. Every read is bounded (members, bytes per member,
bytes in all, nesting), and whatever is not read is named, never skipped without a word.
"""

from __future__ import annotations

import bz2
import gzip
import io
import lzma
import tarfile
import zipfile
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from secplan import filetypes

MAX_MEMBERS = 10_000
MAX_MEMBER_BYTES = 5 * 1024 * 1024
MAX_TOTAL_BYTES = 64 * 1024 * 1024
MAX_DEPTH = 3
"""Archives inside archives: a ``.tar.gz`` is two levels (gzip, then tar)."""

#: Archive and compressed formats of :mod:`secplan.filetypes` that are read here.
READABLE = {"zip", "tar", "gzip", "bz2", "xz"}
_STREAMS: dict[str, Callable[[io.BytesIO], io.BufferedIOBase]] = {"gzip": lambda raw: gzip.GzipFile(fileobj=raw), "bz2": bz2.BZ2File, "xz": lzma.LZMAFile}


@dataclass
class Budget:
    """What one archive may still cost, and what was left unread (for the scan's warnings)."""

    members: int = MAX_MEMBERS
    bytes: int = MAX_TOTAL_BYTES
    skipped: list[str] = field(default_factory=list)


def kind_of(data: bytes) -> str | None:
    """The archive or compressed format ``data`` is in, if it is one this module reads or names."""
    found = filetypes.identify(data[: filetypes.HEAD], len(data))
    if found is None or found.family not in (filetypes.Family.ARCHIVE, filetypes.Family.COMPRESSED):
        return None
    return found.name


def members(data: bytes, name: str, budget: Budget | None = None, depth: int = 1) -> Iterator[tuple[str, bytes]]:
    """(member path, content) for every regular file inside ``data`` (an archive named ``name``),
    nested archives opened in turn; member paths join levels with ``!/`` (``a.zip!/b.tar!/c.env``)."""
    budget = budget if budget is not None else Budget()
    kind = kind_of(data)
    if kind is None:
        return
    if kind not in READABLE:
        budget.skipped.append(f"{name}: {kind} archives are not read; its contents were not scanned")
        return
    if depth > MAX_DEPTH:
        budget.skipped.append(f"{name}: archive nested more than {MAX_DEPTH} deep; not opened")
        return
    try:
        if kind == "zip":
            entries = _zip(data, name, budget)
        elif kind == "tar":
            entries = _tar(data, name, budget)
        else:
            entries = _stream(data, name, kind, budget)
        for member, content in entries:
            if kind_of(content) is not None:
                yield from members(content, member, budget, depth + 1)
            else:
                yield member, content
    except (zipfile.BadZipFile, tarfile.TarError, OSError, EOFError, lzma.LZMAError, zlib.error,
            NotImplementedError, ValueError) as exc:
        budget.skipped.append(f"{name}: unreadable {kind} data ({type(exc).__name__}); the rest of it was not scanned")


def _take(budget: Budget, member: str, size: int) -> bool:
    """Charge one member to the budget; False (and a note) when it does not fit."""
    if budget.members <= 0:
        if budget.members == 0:
            budget.skipped.append(f"{member}: more than {MAX_MEMBERS} members; the remaining ones were not scanned")
            budget.members -= 1
        return False
    if size > MAX_MEMBER_BYTES:
        budget.skipped.append(f"{member}: larger than {MAX_MEMBER_BYTES // (1024 * 1024)} MiB uncompressed; not scanned")
        return False
    if size > budget.bytes:
        budget.skipped.append(f"{member}: the archive holds more than {MAX_TOTAL_BYTES // (1024 * 1024)} MiB; "
                              "this member and the ones after it were not scanned")
        budget.bytes = -1
        return False
    budget.members -= 1
    budget.bytes -= size
    return True


def _zip(data: bytes, name: str, budget: Budget) -> Iterator[tuple[str, bytes]]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for info in archive.infolist():
            if info.is_dir():
                continue
            member = f"{name}!/{info.filename}"
            if info.flag_bits & 0x1:
                budget.skipped.append(f"{member}: encrypted; not scanned")
                continue
            if not _take(budget, member, info.file_size):
                continue
            with archive.open(info) as handle:
                content = handle.read(MAX_MEMBER_BYTES + 1)
            if len(content) > MAX_MEMBER_BYTES:  # the header understated the size
                budget.skipped.append(f"{member}: larger than its header says; not scanned")
                continue
            yield member, content


def _tar(data: bytes, name: str, budget: Budget) -> Iterator[tuple[str, bytes]]:
    with tarfile.open(fileobj=io.BytesIO(data), mode="r:") as archive:
        for info in archive:
            if not info.isreg():
                continue  # links, devices and directories hold no content of their own
            member = f"{name}!/{info.name}"
            if not _take(budget, member, info.size):
                continue
            handle = archive.extractfile(info)
            if handle is not None:
                yield member, handle.read(MAX_MEMBER_BYTES)


def _stream(data: bytes, name: str, kind: str, budget: Budget) -> Iterator[tuple[str, bytes]]:
    """One compressed stream: its content, read no further than the budget allows."""
    inner = filetypes.without_compression_suffix(name.rsplit("/", 1)[-1])
    member = f"{name}!/{inner}"
    limit = max(0, budget.bytes)
    with _STREAMS[kind](io.BytesIO(data)) as handle:
        content = handle.read(limit + 1)
    if len(content) > limit:
        budget.skipped.append(f"{member}: decompresses to more than {limit // (1024 * 1024)} MiB; not scanned")
        return
    if kind_of(content) in ("tar", "zip"):  # a .tar.gz: the tar is charged member by member
        yield member, content
        return
    if _take(budget, member, len(content)):
        yield member, content
