"""Give parsers the access they need to a stream that may be forward-only: random access (zip, 7z,
safetensors read from the end or jump around) or a real path (h5py opens files by name).

Copies are bounded by the scan's decompression limit and removed on exit.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path
from typing import BinaryIO

from secplan.model.scan.stream import CHUNK, DecompressionLimit, is_seekable


def _copy(source: BinaryIO, target: BinaryIO, limit: int) -> None:
    copied = 0
    while chunk := source.read(CHUNK):
        copied += len(chunk)
        if copied > limit:
            raise DecompressionLimit(f"exceeds {limit} bytes")
        target.write(chunk)


class random_access:
    """The stream itself when seekable, else a bounded temporary copy."""

    def __init__(self, handle: BinaryIO, limit: int) -> None:
        self.handle, self.limit, self.tmp = handle, limit, None

    def __enter__(self) -> BinaryIO:
        if is_seekable(self.handle):
            return self.handle
        self.tmp = tempfile.SpooledTemporaryFile(max_size=32 << 20)
        _copy(self.handle, self.tmp, self.limit)  # type: ignore[arg-type]
        self.tmp.seek(0)
        return self.tmp  # type: ignore[return-value]

    def __exit__(self, *exc: object) -> None:
        if self.tmp is not None:
            self.tmp.close()


class on_disk:
    """A real path for libraries that need one: the file itself, or a private temporary copy."""

    def __init__(self, handle: BinaryIO, real_path: Path | None, limit: int) -> None:
        self.handle, self.real_path, self.limit, self.tmpdir = handle, real_path, limit, None

    def __enter__(self) -> Path:
        if self.real_path is not None:
            return self.real_path
        self.tmpdir = tempfile.mkdtemp(prefix="secplan-scan-")
        path = Path(self.tmpdir) / "member"
        with path.open("wb") as out:
            _copy(self.handle, out, self.limit)
        return path

    def __exit__(self, *exc: object) -> None:
        if self.tmpdir is not None:
            shutil.rmtree(self.tmpdir, ignore_errors=True)
