"""Scan files: detect each stream's format by content, unwrap containers within bounds, and hand
each payload to its format's analyser. One entry point, :func:`scan_paths`, behind every command.

Nothing is ever loaded: pickles go to the symbolic machine, archives are read as bytes, HDF5 is
parsed in a child process. Any failure inside a file becomes an ``error`` finding for that file,
never a crash of the scan and never a ``safe`` verdict.
"""

from __future__ import annotations

import functools
import io
import json
import os
import re
import shutil
import tarfile
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from secplan.model.scan import zipread
from secplan.model.scan.detect import HEAD, detect
from secplan.model.scan.pickle_vm import NUMPY_WRAPPER, TORCH_LEGACY_MAGIC, Limits, PickleMachine
from secplan.model.scan.policy import DEFAULT_POLICY, Policy
from secplan.model.scan.result import FileResult, Finding, ScanReport, Verdict
from secplan.model.scan.stream import Bounded, Counting, DecompressionLimit, Prefixed, Reader, ScanLimit

#: Suffixes a directory walk reports even when their content is not recognised (so they end up
#: ``unsupported`` rather than silently skipped).
MODEL_SUFFIXES = {".pkl", ".pickle", ".joblib", ".pt", ".pth", ".bin", ".ckpt", ".h5", ".hdf5", ".keras",
                  ".onnx", ".gguf", ".safetensors", ".npy", ".npz", ".dill", ".mar", ".7z", ".tar", ".gz",
                  ".bz2", ".xz", ".lz4", ".z", ".zip", ".pb", ".tflite", ".model"}
_TORCH_STORAGE = re.compile(r"(^|/)data/\d+$")
_BUGS = (IndexError, KeyError, TypeError, AttributeError, AssertionError, NameError, UnboundLocalError)
_COMPRESSED = {"gzip", "bz2", "xz", "lzma", "zlib", "lz4"}


@dataclass(frozen=True)
class ScanOptions:
    policy: Policy = DEFAULT_POLICY
    limits: Limits = field(default_factory=Limits)
    max_depth: int = 6
    """Containers nested deeper than this are not opened (suspicious)."""
    max_decompressed: int = 8 << 30
    """Bytes one compressed stream may inflate to."""
    max_ratio: int = 1000
    """Compression ratio beyond which a stream larger than 64 MiB is treated as a bomb."""
    max_members: int = 100_000
    crc_check_max: int = 256 << 20
    """Zip members up to this size get their CRC verified."""


class _FileScan:
    def __init__(self, path: Path, options: ScanOptions) -> None:
        self.path = path
        self.options = options
        self.findings: list[Finding] = []
        self.model_dir = path.parent
        self.external_data: list[str] = []

    def add(self, rule: str, verdict: Verdict, message: str, member: str | None, offset: int | None = None,
            symbol: str | None = None) -> None:
        self.findings.append(Finding(rule, verdict, message, member, offset, symbol))

    def run(self) -> FileResult:
        result = FileResult(str(self.path))
        try:
            if not self.path.is_file():  # a FIFO or device would block or never end
                self.add("scan-error", Verdict.ERROR, "not a regular file", None)
                result.findings = self.findings
                return result
            result.size = self.path.stat().st_size
            with self.path.open("rb") as handle:
                result.format = self.stream(handle, None, 0, result.size, self.path.name, real_path=self.path)
        except OSError as exc:
            self.add("scan-error", Verdict.ERROR, f"cannot read the file: {exc.strerror or exc}", None)
        result.findings = self.findings
        result.external_data = self.external_data
        return result

    # -- dispatch ---------------------------------------------------------------------------------

    def stream(self, handle: BinaryIO, member: str | None, depth: int, size: int | None, name: str,
               real_path: Path | None = None) -> str:
        """Analyse one stream; return its format name (``unknown`` when nothing recognises it)."""
        if depth > self.options.max_depth:
            self.add("container-depth", Verdict.SUSPICIOUS,
                     f"containers nested more than {self.options.max_depth} deep were not opened", member)
            return "nested"
        try:
            seekable = _seekable(handle)
            if seekable:
                start = handle.tell()
                head = handle.read(HEAD)
                tail = head
                if size is not None and size > HEAD:
                    handle.seek(start + max(HEAD, size - 65_557))
                    tail = handle.read(65_557)
                handle.seek(start)
            else:
                head = handle.read(HEAD)
                handle = Prefixed(head, handle)  # type: ignore[assignment]
                tail = b""
            fmt = detect(head, name, size, tail)
            if fmt is None:
                return "unknown"
            handler = self._handlers().get(fmt.rstrip("?"))
            if handler is None:
                return "unknown"
            return handler(handle, member, depth, size, name, real_path)
        except DecompressionLimit as exc:
            self.add("container-bomb", Verdict.SUSPICIOUS, f"stopped unpacking: the stream {exc}", member)
            return "compressed"
        except ScanLimit as exc:
            self.add("scan-limit", Verdict.ERROR, f"stopped at a scan limit: {exc}", member)
            return "limited"
        except (RecursionError, MemoryError) as exc:
            self.add("scan-limit", Verdict.ERROR, f"too complex to analyse ({type(exc).__name__})", member)
            return "limited"
        except _BUGS as exc:
            self.add("scan-error", Verdict.ERROR, f"scanner bug ({type(exc).__name__}: {str(exc)[:200]}); "
                     "please report it", member)
            return "error"
        except Exception as exc:  # corrupt data deep in a library: report it, never crash
            self.add("scan-error", Verdict.ERROR, f"corrupt data: {type(exc).__name__}: {str(exc)[:200]}", member)
            return "error"

    def _handlers(self) -> dict[str, Callable[..., str]]:
        return {"pickle": self._pickle, "zip": self._zip, "tar": self._tar, "7z": self._7z,
                "numpy": self._numpy, "hdf5": self._hdf5, "gguf": self._gguf, "safetensors": self._safetensors,
                "json": self._json, "onnx": self._onnx,
                **{c: functools.partial(self._compressed, kind=c) for c in _COMPRESSED}}

    # -- pickles ----------------------------------------------------------------------------------

    def _pickle(self, handle: BinaryIO, member: str | None, depth: int, size: int | None, name: str,
                real_path: Path | None) -> str:
        machine = PickleMachine(self.options.policy, member=member, limits=self.options.limits)
        out = machine.scan(Reader(handle))
        self.findings.extend(out.findings)
        if out.values and out.values[0] == TORCH_LEGACY_MAGIC:
            return "pytorch-legacy"
        if NUMPY_WRAPPER in out.globals:
            return "joblib"
        return "pickle"

    # -- containers -------------------------------------------------------------------------------

    def _zip(self, handle: BinaryIO, member: str | None, depth: int, size: int | None, name: str,
             real_path: Path | None) -> str:
        with _random_access(handle, self.options.max_decompressed) as seekable:
            try:
                members = zipread.read_directory(seekable)
            except zipread.ZipFormatError as exc:
                self.add("zip-malformed", Verdict.SUSPICIOUS, f"the zip directory cannot be read: {exc}", member)
                return "zip"
            names = [m.name for m in members]
            torch_zip = any(n.endswith("data.pkl") for n in names)
            if len(set(names)) != len(names):
                dupes = sorted({n for n in names if names.count(n) > 1})[:5]
                self.add("zip-duplicate-name", Verdict.SUSPICIOUS,
                         f"members listed twice ({', '.join(dupes)}): readers disagree on which is used", member)
            keras_zip = "config.json" in names and ("metadata.json" in names or "model.weights.h5" in names)
            for m in members:
                label = _join(member, m.name)
                if m.data_offset < 0:
                    self.add("zip-malformed", Verdict.SUSPICIOUS, "local header missing or corrupt", label,
                             m.header_offset)
                    continue
                if m.local_name is not None and m.local_name != m.name:
                    self.add("zip-name-mismatch", Verdict.SUSPICIOUS,
                             f"local header names {m.local_name!r}, the directory {m.name!r}", label,
                             m.header_offset, m.local_name)
                if m.flags & 0x41:
                    self.add("zip-encrypted-flag", Verdict.SUSPICIOUS,
                             "encryption flag set on a member that loaders read in clear", label, m.header_offset)
                if m.name.endswith("/"):
                    continue
                if torch_zip and _TORCH_STORAGE.search(m.name):
                    continue  # raw tensor bytes: torch never unpickles them
                limit = self.options.max_decompressed
                if m.method in (0, 8) and m.size <= self.options.crc_check_max and (
                        m.name.endswith(".pkl") or m.method == 8 or m.size <= (1 << 20)):
                    crc = zipread.crc_of(zipread.open_member(seekable, m, limit))
                    if crc != m.crc:
                        self.add("zip-crc-mismatch", Verdict.SUSPICIOUS,
                                 "stored CRC does not match the data: the member was altered after packing",
                                 label, m.header_offset)
                try:
                    stream = zipread.open_member(seekable, m, limit)
                except zipread.ZipFormatError as exc:
                    self.add("zip-unsupported-member", Verdict.ERROR, str(exc), label, m.header_offset)
                    continue
                if keras_zip and m.name.endswith(".h5"):
                    continue  # Keras 3 weights: arrays read by path, the config lives in config.json
                fmt = self.stream(stream, label, depth + 1, m.size, m.name)
                if keras_zip and m.name == "config.json" and fmt != "keras-config":
                    self.add("keras-malformed", Verdict.SUSPICIOUS, "config.json is not a Keras config", label)
            if torch_zip:
                return "pytorch-zip"
            if keras_zip:
                return "keras"
            if names and all(n.endswith(".npy") for n in names):
                return "npz"
            return "zip"

    def _tar(self, handle: BinaryIO, member: str | None, depth: int, size: int | None, name: str,
             real_path: Path | None) -> str:
        names: list[str] = []
        with tarfile.open(fileobj=handle, mode="r|") as archive:
            for info in archive:
                if len(names) >= self.options.max_members:
                    raise ScanLimit(f"more than {self.options.max_members} tar members")
                names.append(info.name)
                if not info.isfile():
                    continue
                extracted = archive.extractfile(info)
                if extracted is None:
                    continue
                label = _join(member, info.name)
                base = info.name.rsplit("/", 1)[-1]
                if base in {"storages", "tensors"} and {"sys_info", "pickle"} <= {n.rsplit("/", 1)[-1]
                                                                                   for n in names}:
                    machine = PickleMachine(self.options.policy, member=label, limits=self.options.limits)
                    self.findings.extend(machine.scan_torch_tar_member(Reader(extracted), base).findings)
                    continue
                self.stream(extracted, label, depth + 1, info.size, info.name)
        bases = {n.rsplit("/", 1)[-1] for n in names}
        return "pytorch-legacy-tar" if {"sys_info", "pickle", "storages"} <= bases else "tar"

    def _7z(self, handle: BinaryIO, member: str | None, depth: int, size: int | None, name: str,
            real_path: Path | None) -> str:
        import py7zr
        from py7zr.io import BytesIOFactory

        with _random_access(handle, self.options.max_decompressed) as seekable, \
                py7zr.SevenZipFile(seekable, mode="r") as archive:
            infos = [i for i in archive.list() if not i.is_directory]
            total = sum(i.uncompressed or 0 for i in infos)
            if total > self.options.max_decompressed:
                raise DecompressionLimit(f"unpacks to {total} bytes")
            if len(infos) > self.options.max_members:
                raise ScanLimit(f"more than {self.options.max_members} 7z members")
            factory = BytesIOFactory(self.options.max_decompressed)
            archive.extractall(factory=factory)
            for info in infos:
                product = factory.products.get(info.filename)
                if product is None:
                    continue
                product.seek(0)
                data = product.read()
                self.stream(io.BytesIO(data), _join(member, info.filename), depth + 1, len(data), info.filename)
        return "7z"

    def _compressed(self, handle: BinaryIO, member: str | None, depth: int, size: int | None, name: str,
                    real_path: Path | None, *, kind: str) -> str:
        raw = Counting(handle)
        inner = Bounded(_decompressor(kind, raw), raw, self.options.max_decompressed, self.options.max_ratio)
        label = _join(member, f"<{kind}>")
        inner_name = name[:-len(Path(name).suffix)] if Path(name).suffix in {".gz", ".bz2", ".xz", ".z", ".lz4"} \
            else name
        fmt = self.stream(io.BufferedReader(inner, 1 << 20), label, depth + 1, None, inner_name)
        return f"{kind}+{fmt}"

    # -- formats ----------------------------------------------------------------------------------

    def _numpy(self, handle: BinaryIO, member: str | None, depth: int, size: int | None, name: str,
               real_path: Path | None) -> str:
        from secplan.model.scan.formats import numpy_npy

        reader = Reader(handle)
        findings, pickled = numpy_npy.check(reader, member)
        self.findings.extend(findings)
        if pickled:
            machine = PickleMachine(self.options.policy, member=member, limits=self.options.limits)
            self.findings.extend(machine.scan(reader).findings)
        return "numpy"

    def _hdf5(self, handle: BinaryIO, member: str | None, depth: int, size: int | None, name: str,
              real_path: Path | None) -> str:
        from secplan.model.scan.formats import hdf5, keras

        with _on_disk(handle, real_path, self.options.max_decompressed) as path:
            try:
                attrs = hdf5.read_attrs(str(path))
            except (RuntimeError, ValueError) as exc:
                self.add("hdf5-malformed", Verdict.ERROR, str(exc), member)
                return "hdf5"
        configs = {k: attrs[k] for k in ("model_config", "training_config") if k in attrs}
        for key, text in configs.items():
            try:
                config = json.loads(text)
            except ValueError:
                self.add("keras-malformed", Verdict.SUSPICIOUS, f"{key} attribute is not JSON", member)
                continue
            self.findings.extend(keras.check_config(config, self.options.policy, _join(member, key)))
        return "keras-h5" if configs else "hdf5"

    def _gguf(self, handle: BinaryIO, member: str | None, depth: int, size: int | None, name: str,
              real_path: Path | None) -> str:
        from secplan.model.scan.formats import gguf

        if size is None:
            size = 1 << 62
        self.findings.extend(gguf.scan(Reader(handle), size, member))
        return "gguf"

    def _safetensors(self, handle: BinaryIO, member: str | None, depth: int, size: int | None, name: str,
                     real_path: Path | None) -> str:
        from secplan.model.scan.formats import safetensors

        if size is None:
            with _random_access(handle, self.options.max_decompressed) as seekable:
                size = seekable.seek(0, io.SEEK_END)
                seekable.seek(0)
                self.findings.extend(safetensors.scan(seekable, size, member))
            return "safetensors"
        self.findings.extend(safetensors.scan(handle, size, member))
        return "safetensors"

    def _json(self, handle: BinaryIO, member: str | None, depth: int, size: int | None, name: str,
              real_path: Path | None) -> str:
        from secplan.model.scan.formats import keras

        data = handle.read(64 << 20)
        try:
            config = json.loads(data)
        except (ValueError, RecursionError):
            return "unknown"
        if not (isinstance(config, dict) and ("class_name" in config or "config" in config)):
            return "json" if member else "unknown"
        self.findings.extend(keras.check_config(config, self.options.policy, member))
        return "keras-config"

    def _onnx(self, handle: BinaryIO, member: str | None, depth: int, size: int | None, name: str,
              real_path: Path | None) -> str:
        from secplan.model.scan.formats import onnx_model

        # Protobuf has no magic number: only a name that says ONNX justifies holding a large file.
        cap = onnx_model.MAX_SIZE if name.lower().endswith(".onnx") else onnx_model.MAX_GUESS
        if size is not None and size > cap:
            return "unknown"
        data = handle.read(cap + 1)
        if len(data) > cap:
            return "unknown"
        model = onnx_model.parse(data)
        if model is None:
            return "unknown"
        model_dir = self.model_dir if member is None else None
        findings = onnx_model.check(model, model_dir, self.options.policy, member)
        self.findings.extend(findings)
        if model_dir is not None and not any(f.verdict is Verdict.UNSAFE for f in findings):
            self.external_data = sorted({str(model_dir / loc) for loc in onnx_model.external_locations(model)})
        return "onnx"


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
    return _ZlibStream(raw)  # type: ignore[return-value]


class _ZlibStream(io.RawIOBase):
    """zlib (joblib's default compressor) as a forward-only stream."""

    def __init__(self, raw: BinaryIO) -> None:
        import zlib

        self.raw, self.z, self.pending = raw, zlib.decompressobj(), b""

    def readable(self) -> bool:
        return True

    def read(self, n: int = -1) -> bytes:
        n = 1 << 20 if n is None or n < 0 else n
        while len(self.pending) < n and not self.z.eof:
            chunk = self.z.unconsumed_tail or self.raw.read(1 << 16)
            if not chunk:
                break
            self.pending += self.z.decompress(chunk, n)
        data, self.pending = self.pending[:n], self.pending[n:]
        return data

    def readinto(self, b: bytearray) -> int:  # type: ignore[override]
        data = self.read(len(b))
        b[:len(data)] = data
        return len(data)


def _join(parent: str | None, child: str) -> str:
    return f"{parent}!{child}" if parent else child


def _seekable(handle: BinaryIO) -> bool:
    try:
        return bool(handle.seekable())
    except (AttributeError, ValueError, OSError):
        return False


class _random_access:
    """The stream itself when seekable, else a bounded temporary copy (deleted on exit)."""

    def __init__(self, handle: BinaryIO, limit: int) -> None:
        self.handle, self.limit, self.tmp = handle, limit, None

    def __enter__(self) -> BinaryIO:
        if _seekable(self.handle):
            return self.handle
        self.tmp = tempfile.SpooledTemporaryFile(max_size=32 << 20)
        copied = 0
        while chunk := self.handle.read(1 << 20):
            copied += len(chunk)
            if copied > self.limit:
                raise DecompressionLimit(f"exceeds {self.limit} bytes")
            self.tmp.write(chunk)
        self.tmp.seek(0)
        return self.tmp  # type: ignore[return-value]

    def __exit__(self, *exc: object) -> None:
        if self.tmp is not None:
            self.tmp.close()


class _on_disk:
    """A real path for libraries that need one: the file itself, or a private temporary copy."""

    def __init__(self, handle: BinaryIO, real_path: Path | None, limit: int) -> None:
        self.handle, self.real_path, self.limit, self.tmpdir = handle, real_path, limit, None

    def __enter__(self) -> Path:
        if self.real_path is not None:
            return self.real_path
        self.tmpdir = tempfile.mkdtemp(prefix="secplan-scan-")
        path = Path(self.tmpdir) / "member"
        with path.open("wb") as out:
            copied = 0
            while chunk := self.handle.read(1 << 20):
                copied += len(chunk)
                if copied > self.limit:
                    raise DecompressionLimit(f"exceeds {self.limit} bytes")
                out.write(chunk)
        return path

    def __exit__(self, *exc: object) -> None:
        if self.tmpdir is not None:
            shutil.rmtree(self.tmpdir, ignore_errors=True)


def iter_targets(paths: Iterable[Path]) -> list[Path]:
    """Files to scan: given files as they are; directories walked (not following symlinks), keeping
    files whose content or suffix says model or archive."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            for dirpath, dirnames, filenames in os.walk(path):
                dirnames[:] = sorted(d for d in dirnames if d not in {".git", ".venv", "__pycache__", ".secplan"})
                for filename in sorted(filenames):
                    full = Path(dirpath) / filename
                    if full.is_symlink() or not full.is_file():
                        continue
                    if full.suffix.lower() in MODEL_SUFFIXES or _looks_like_model(full):
                        found.append(full)
        else:
            found.append(path)
    return found


def _looks_like_model(path: Path) -> bool:
    try:
        with path.open("rb") as handle:
            head = handle.read(HEAD)
    except OSError:
        return False
    fmt = detect(head, path.name, path.stat().st_size)
    return fmt not in (None, "json", "onnx?")


def scan_file(path: Path, options: ScanOptions | None = None) -> FileResult:
    return _FileScan(path, options or ScanOptions()).run()


def scan_paths(paths: Iterable[Path], options: ScanOptions | None = None,
               progress: Callable[[Path], None] | None = None) -> ScanReport:
    """Scan every file under ``paths``. Unreadable input is reported per file, not raised."""
    report = ScanReport()
    for target in iter_targets(paths):
        report.files.append(scan_file(target, options))
        if progress is not None:
            progress(target)
    claim_external_data(report)
    return report


def claim_external_data(report: ScanReport) -> None:
    """Raw weight files that a scanned ONNX model reads are data of that model, not unknown files."""
    owners = {os.path.realpath(data): r.path for r in report.files for data in r.external_data}
    for result in report.files:
        owner = owners.get(os.path.realpath(result.path))
        # A ``.bin`` name makes the scanner try it as a pickle; raw floats then fail to parse.
        not_a_pickle = all(f.rule in {"pickle-malformed", "pickle-truncated"} for f in result.findings)
        if owner is not None and result.format in {"unknown", "pickle"} and not_a_pickle and (
                result.format == "unknown" or result.findings):
            result.format = "onnx-external-data"
            result.findings = [Finding("onnx-external-data", Verdict.SAFE,
                                       f"raw tensor data read by {owner} (no code)", None)]
