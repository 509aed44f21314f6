"""Atomic file writes (a reader sees the old file or the new one, never a partial one) and private
folders and files (owner only) for everything secplan keeps about a project."""

from __future__ import annotations

import contextlib
import os
import stat
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO


@contextlib.contextmanager
def atomic_writer(path: str | os.PathLike[str], mode: str = "wb", *, perms: int | None = None) -> Iterator[IO]:
    """Write to a temporary file beside ``path`` and rename it into place only if the block succeeds.

    On any exception the temporary file is removed and ``path`` is left as it was.
    """
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        if perms is not None:
            os.fchmod(fd, perms)
        encoding = None if "b" in mode else "utf-8"
        with os.fdopen(fd, mode, encoding=encoding) as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


def atomic_write_text(path: str | os.PathLike[str], text: str, *, perms: int | None = None) -> None:
    with atomic_writer(path, "w", perms=perms) as handle:
        handle.write(text)


def atomic_write_bytes(path: str | os.PathLike[str], data: bytes, *, perms: int | None = None) -> None:
    with atomic_writer(path, "wb", perms=perms) as handle:
        handle.write(data)


PRIVATE_DIR = 0o700
PRIVATE_FILE = 0o600


def keep_private(path: Path, mode: int) -> None:
    """Make ``path`` (if it exists) reachable by its owner only, and say so on stderr when it was
    wider: any account on the machine could otherwise copy the store around every role check.
    A path owned by someone else is left alone (their store, their choice) with a warning."""
    try:
        info = path.stat()
    except FileNotFoundError:
        return
    current = stat.S_IMODE(info.st_mode)
    if not current & ~mode & 0o077:
        return
    if info.st_uid != os.getuid():
        sys.stderr.write(f"warning: {path} is readable by other users (mode {current:o}) and owned by "
                         f"uid {info.st_uid}; ask its owner to chmod {mode:o} it\n")
        return
    os.chmod(path, current & mode)
    sys.stderr.write(f"note: {path} was readable by other users (mode {current:o}); now {current & mode:o}\n")


def private_dir(path: Path) -> Path:
    """``path`` created (with parents) or tightened to 0700."""
    path.mkdir(mode=PRIVATE_DIR, parents=True, exist_ok=True)
    keep_private(path, PRIVATE_DIR)
    return path


def private_file(path: Path) -> Path:
    """``path`` created empty if absent, else tightened, to 0600, before anything writes into it."""
    try:
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE))
    except FileExistsError:
        keep_private(path, PRIVATE_FILE)
    return path
