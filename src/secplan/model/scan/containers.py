"""Containers: zip (read as PyTorch's miniz reads it), tar, 7z and single compressed streams. Each
member goes back through the walk, one level deeper, within the scan's size, ratio and depth bounds.
"""

from __future__ import annotations

import io
import re
import tarfile
import zlib
from dataclasses import replace
from typing import TYPE_CHECKING, BinaryIO

from secplan.filetypes import Guess, named_format
from secplan.model.scan import zipread
from secplan.model.scan.interface import NotThisFormat, Stream, Walk, join
from secplan.model.scan.pickle_vm import PickleMachine
from secplan.model.scan.result import Verdict
from secplan.model.scan.spool import random_access
from secplan.model.scan.stream import (
    CHUNK,
    Bounded,
    Counting,
    DecompressionLimit,
    Reader,
    ScanLimit,
    ZlibStream,
)

if TYPE_CHECKING:
    import py7zr

COMPRESSIONS = ("gzip", "bz2", "xz", "lzma", "zlib", "lz4")
_TORCH_STORAGE = re.compile(r"(^|/)data/\d+$")
_TORCHSCRIPT_CODE = re.compile(r"(^|/)code/.+\.py$")
_ENCRYPTED = 0x41
"""Zip flag bits: traditional (bit 0) and strong (bit 6) encryption."""


# -- zip ------------------------------------------------------------------------------------------

def zip_archive(scan: Walk, stream: Stream, guess: Guess) -> str:
    with random_access(stream.handle, scan.options.max_decompressed) as archive:
        try:
            members = zipread.read_directory(archive)
        except zipread.ZipFormatError as exc:
            scan.add("zip-malformed", Verdict.SUSPICIOUS, f"the zip directory cannot be read: {exc}", stream.member)
            return "zip"
        names = [m.name for m in members]
        if len(set(names)) != len(names):
            dupes = sorted({n for n in names if names.count(n) > 1})[:5]
            scan.add("zip-duplicate-name", Verdict.SUSPICIOUS,
                     f"members listed twice ({', '.join(dupes)}): readers disagree on which is used", stream.member)
        torch_zip = any(n.endswith("data.pkl") for n in names)
        keras_zip = "config.json" in names and ("metadata.json" in names or "model.weights.h5" in names)
        torchscript = torch_zip and any(n.endswith("constants.pkl") for n in names) and any(
            _TORCHSCRIPT_CODE.search(n) for n in names)
        options = scan.options
        if torchscript:
            scan.options = replace(options, policy=options.policy.for_torchscript())
        try:
            for member in members:
                _zip_member(scan, stream, archive, member, torch_zip=torch_zip, keras_zip=keras_zip,
                            torchscript=torchscript)
        finally:
            scan.options = options
    if torchscript:
        scan.code_on_load = True  # torch.jit.load compiles and runs the archive's code
        return "torchscript"
    if torch_zip:
        return "pytorch-zip"
    if keras_zip:
        return "keras"
    if names and all(named_format(n) == "numpy" for n in names):
        return "npz"
    return "zip"


def _zip_member(scan: Walk, stream: Stream, archive: BinaryIO, m: zipread.ZipMember, *, torch_zip: bool,
                keras_zip: bool, torchscript: bool = False) -> None:
    label = join(stream.member, m.name)
    if m.data_offset < 0:
        scan.add("zip-malformed", Verdict.SUSPICIOUS, "local header missing or corrupt", label, m.header_offset)
        return
    if m.local_name is not None and m.local_name != m.name:
        scan.add("zip-name-mismatch", Verdict.SUSPICIOUS, f"local header names {m.local_name!r}, the directory "
                 f"{m.name!r}", label, m.header_offset, m.local_name)
    ciphertext = False
    if m.flags & _ENCRYPTED:
        readable = _report_encryption(scan, archive, m, label)
        if readable is None:
            return
        ciphertext = not readable
    elif _crc_checked(scan, m) and _crc(archive, m, scan.options.max_decompressed) != m.crc:
        scan.add("zip-crc-mismatch", Verdict.SUSPICIOUS,
                 "stored CRC does not match the data: the member was altered after packing", label, m.header_offset)
    if m.name.endswith("/") or (torch_zip and _TORCH_STORAGE.search(m.name)):
        return  # a folder, or raw tensor bytes that torch never unpickles
    try:
        data = zipread.open_member(archive, m, scan.options.max_decompressed)
    except zipread.ZipFormatError as exc:
        scan.add("zip-unsupported-member", Verdict.ERROR, str(exc), label, m.header_offset)
        return
    if keras_zip and named_format(m.name) == "hdf5":
        return  # Keras 3 weights: arrays read by path, the config lives in config.json
    member = stream.member_stream(data, m.name, m.size)
    if torchscript and _TORCHSCRIPT_CODE.search(m.name) and not ciphertext:
        from secplan.model.scan.formats import torchscript as ts

        if m.size > ts.MAX_SIZE:
            raise ScanLimit(f"a TorchScript code file larger than {ts.MAX_SIZE} bytes")
        scan.extend(ts.check(data.read(ts.MAX_SIZE + 1), scan.options.policy, label))
        return
    if ciphertext:
        _walk_keeping_threats(scan, member)
        return
    fmt = scan.walk(member)
    if keras_zip and m.name == "config.json" and fmt != "keras-config":
        scan.add("keras-malformed", Verdict.SUSPICIOUS, "config.json is not a Keras config", label)


def _crc_checked(scan: Walk, m: zipread.ZipMember) -> bool:
    return m.method in (0, 8) and m.size <= scan.options.crc_check_max and (
        named_format(m.name) == "pickle" or m.method == 8 or m.size <= (1 << 20))


def _crc(archive: BinaryIO, m: zipread.ZipMember, limit: int) -> int:
    return zipread.crc_of(zipread.open_member(archive, m, limit))


def _report_encryption(scan: Walk, archive: BinaryIO, m: zipread.ZipMember, label: str) -> bool | None:
    """Report a member flagged encrypted, once. True: its stored bytes are its content (walk them as
    usual); False: they are ciphertext; None: they cannot be read at all.

    PyTorch's reader ignores the flag and reads the bytes as they are stored, so a payload in clear
    behind the flag is analysed like any member. Bytes that do not match the member's CRC (or do not
    inflate) are ciphertext: one finding says so, and no CRC mismatch or parse error is added.
    """
    if m.method not in (0, 8):
        scan.add("zip-encrypted-flag", Verdict.SUSPICIOUS, f"the member is encrypted (compression method "
                 f"{m.method}): its content cannot be analysed", label, m.header_offset)
        return None
    # Beyond the CRC bound the bytes cannot be told from ciphertext: walked as ciphertext, a payload in
    # clear is still reported by what it imports, and no parse error is added.
    in_clear = False
    if m.size <= scan.options.crc_check_max:
        try:
            in_clear = _crc(archive, m, scan.options.max_decompressed) == m.crc
        except zlib.error:
            in_clear = False
    message = ("encryption flag set on a member that loaders read in clear" if in_clear else
               "the member is encrypted (its stored bytes do not match its CRC): its content cannot be analysed"
               if m.size <= scan.options.crc_check_max else
               "the member is encrypted (too large to check its CRC): its content cannot be analysed")
    scan.add("zip-encrypted-flag", Verdict.SUSPICIOUS, message, label, m.header_offset)
    return in_clear


def _walk_keeping_threats(scan: Walk, member: Stream) -> None:
    """Walk bytes that are most likely ciphertext: keep what they would do if a loader read them as
    they are (a payload in clear behind a forged CRC names what it imports), drop what parsing random
    bytes gives: errors, limits, frame disagreements, calls on numbers."""
    before = len(scan.findings)
    scan.walk(member)
    scan.findings[before:] = [f for f in scan.findings[before:]
                              if f.verdict in (Verdict.UNSAFE, Verdict.SUSPICIOUS) and f.symbol]


# -- tar and 7z -----------------------------------------------------------------------------------

def tar_archive(scan: Walk, stream: Stream, guess: Guess) -> str:
    names: list[str] = []
    with tarfile.open(fileobj=stream.handle, mode="r|") as archive:
        for info in archive:
            if len(names) >= scan.options.max_members:
                raise ScanLimit(f"more than {scan.options.max_members} tar members")
            names.append(info.name)
            if not info.isfile():
                continue
            extracted = archive.extractfile(info)
            if extracted is None:
                continue
            base = info.name.rsplit("/", 1)[-1]
            if base in {"storages", "tensors"} and {"sys_info", "pickle"} <= {n.rsplit("/", 1)[-1] for n in names}:
                # The oldest torch.save layout: raw numbers between small pickles.
                machine = PickleMachine(scan.options.policy, member=join(stream.member, info.name),
                                        limits=scan.options.limits)
                scan.extend(machine.scan_torch_tar_member(Reader(extracted), base).findings)
                scan.code_on_load = True
                continue
            scan.walk(stream.member_stream(extracted, info.name, info.size))
    bases = {n.rsplit("/", 1)[-1] for n in names}
    return "pytorch-legacy-tar" if {"sys_info", "pickle", "storages"} <= bases else "tar"


def sevenzip_archive(scan: Walk, stream: Stream, guess: Guess) -> str:
    import py7zr

    limit = scan.options.max_decompressed
    with random_access(stream.handle, limit) as seekable:
        try:
            archive = py7zr.SevenZipFile(seekable, mode="r")
        except py7zr.exceptions.PasswordRequired:
            archive = None
        if archive is None or archive.needs_password():
            scan.add("archive-encrypted", Verdict.SUSPICIOUS, "the 7z archive is encrypted: its content cannot "
                     "be analysed", stream.member)
            if archive is not None:
                archive.close()
            return "7z"
        with archive:
            _sevenzip_members(scan, stream, archive, limit)
    return "7z"


def _sevenzip_members(scan: Walk, stream: Stream, archive: py7zr.SevenZipFile, limit: int) -> None:
    from py7zr.io import BytesIOFactory

    infos = [i for i in archive.list() if not i.is_directory]
    total = sum(i.uncompressed or 0 for i in infos)
    if total > limit:
        raise DecompressionLimit(f"unpacks to {total} bytes")
    if len(infos) > scan.options.max_members:
        raise ScanLimit(f"more than {scan.options.max_members} 7z members")
    factory = BytesIOFactory(limit)
    archive.extractall(factory=factory)
    for info in infos:
        product = factory.products.get(info.filename)
        if product is None:
            continue
        product.seek(0)
        data = product.read()
        scan.walk(stream.member_stream(io.BytesIO(data), info.filename, len(data)))


# -- compressed streams ---------------------------------------------------------------------------

def compressed(scan: Walk, stream: Stream, guess: Guess) -> str:
    """One compression layer: what it holds is analysed as the same artifact (``model.pkl.gz``)."""
    kind = guess.format
    raw = Counting(stream.handle)
    inner = io.BufferedReader(Bounded(_decompressor(kind, raw), raw, scan.options.max_decompressed,
                                      scan.options.max_ratio), CHUNK)
    if not guess.confident and stream.whole:
        try:
            inner.peek(1)
        except ScanLimit:
            raise
        except Exception as exc:  # two bytes looked like a header; the rest is not compressed data
            raise NotThisFormat(f"starts like {kind} data, but does not decompress ({exc})") from None
    return f"{kind}+{scan.walk(stream.unwrapped(inner, kind))}"


def _decompressor(kind: str, raw: BinaryIO) -> BinaryIO:
    """A streaming decompressor for ``kind``; joblib's zlib/gzip/bz2/xz/lzma/lz4 wrappers included."""
    if kind == "gzip":
        import gzip

        return gzip.GzipFile(fileobj=raw, mode="rb")  # type: ignore[return-value]
    if kind == "bz2":
        import bz2

        return bz2.BZ2File(raw, "rb")  # type: ignore[return-value]
    if kind in ("xz", "lzma"):
        import lzma

        return lzma.LZMAFile(raw, "rb", format=lzma.FORMAT_XZ if kind == "xz" else lzma.FORMAT_ALONE)  # type: ignore[return-value]
    if kind == "lz4":
        import lz4.frame

        return lz4.frame.LZ4FrameFile(raw, "rb")  # type: ignore[return-value]
    return ZlibStream(raw)  # type: ignore[return-value]
