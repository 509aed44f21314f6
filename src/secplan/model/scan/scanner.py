"""Scan files: choose them, scan each one (:class:`~.walk.FileScan`) and assemble the results. One
entry point, :func:`scan_paths`, behind every command.

Nothing is ever loaded: pickles go to the symbolic machine, archives are read as bytes, HDF5 is
parsed in a child process. Any failure inside a file becomes an ``error`` finding for that file,
never a crash of the scan and never a ``safe`` verdict.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from pathlib import Path

from secplan.filetypes import HEAD, guess_format, may_hold_model
from secplan.model.scan.interface import Stream
from secplan.model.scan.options import ScanOptions
from secplan.model.scan.result import FileResult, Finding, ScanReport, Verdict
from secplan.model.scan.walk import FileScan

_SKIP_DIRS = {".git", ".venv", "__pycache__", ".secplan"}


def scan_file(path: Path, options: ScanOptions | None = None) -> FileResult:
    """The scan of one file; unreadable input is a finding of the result, never an exception."""
    result = FileResult(str(path))
    scan = FileScan(path.parent, options or ScanOptions())
    try:
        if not path.is_file():  # a FIFO or device would block or never end
            scan.add("scan-error", Verdict.ERROR, "not a regular file", None)
        else:
            result.size = path.stat().st_size
            with path.open("rb") as handle:
                result.format = scan.walk(Stream(handle, path.name, result.size, real_path=path))
    except OSError as exc:
        scan.add("scan-error", Verdict.ERROR, f"cannot read the file: {exc.strerror or exc}", None)
    result.findings = scan.findings
    result.external_data = scan.external_data
    result.code_on_load = scan.code_on_load
    return result


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


def iter_targets(paths: Iterable[Path]) -> list[Path]:
    """Files to scan: given files as they are; directories walked (not following symlinks), keeping
    files whose name or content says model, archive or compressed stream."""
    found: list[Path] = []
    for path in paths:
        if not path.is_dir():
            found.append(path)
            continue
        for dirpath, dirnames, filenames in os.walk(path):
            dirnames[:] = sorted(d for d in dirnames if d not in _SKIP_DIRS)
            for filename in sorted(filenames):
                full = Path(dirpath) / filename
                if not full.is_symlink() and full.is_file() and may_hold_model(filename, _content(full)):
                    found.append(full)
    return found


def _content(path: Path) -> str | None:
    try:
        size = path.stat().st_size
        with path.open("rb") as handle:
            head = handle.read(HEAD)
    except OSError:
        return None
    guess = guess_format(head, "", size)  # no name: may_hold_model judges the name
    return guess.format if guess is not None else None


def claim_external_data(report: ScanReport) -> None:
    """Raw weight files that a scanned ONNX model reads are data of that model, not unknown files."""
    owners = {os.path.realpath(data): r.path for r in report.files for data in r.external_data}
    for result in report.files:
        owner = owners.get(os.path.realpath(result.path))
        # A ``.bin`` name makes the scanner try it as a pickle; raw floats then fail to parse.
        not_a_pickle = all(f.rule in {"pickle-malformed", "pickle-truncated", "not-a-model"} for f in result.findings)
        if owner is not None and result.format in {"unknown", "pickle"} and not_a_pickle and (
                result.format == "unknown" or result.findings):
            result.format = "onnx-external-data"
            result.findings = [Finding("onnx-external-data", Verdict.SAFE,
                                       f"raw tensor data read by {owner} (no code)", None)]
