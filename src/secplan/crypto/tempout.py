"""Output files that appear whole or not at all, even if the process is killed (SIGKILL) mid-write.

On Linux the data goes to an unnamed ``O_TMPFILE`` inode in the target folder, which has no name until
it is linked in after the last byte is written and synced: a killed process leaves nothing behind, not
even plaintext in a stray temporary file. Elsewhere a hidden ``.<name>.*.tmp`` file is used and
removed on any Python-level failure.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import BinaryIO


def _fsync_dir(path: Path) -> None:
    with contextlib.suppress(OSError):
        fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


@contextlib.contextmanager
def atomic_output(target: Path, *, perms: int = 0o600, replace: bool = False,
                  before_link: Callable[[], None] | None = None) -> Iterator[BinaryIO]:
    """Yield an unbuffered binary file; on success it becomes ``target`` (replacing it only if asked).

    ``before_link`` runs once every byte is on disk and before the file gets its name: the audit
    record of an action goes there, so that an action which cannot be recorded leaves nothing behind.
    """
    target = Path(target)
    folder = target.parent if str(target.parent) else Path(".")
    if target.exists() and not replace:
        raise FileExistsError(target)
    fd = -1
    named: str | None = None
    try:
        fd = os.open(folder, os.O_TMPFILE | os.O_WRONLY, perms) if hasattr(os, "O_TMPFILE") else -1
    except OSError:
        fd = -1
    if fd < 0:
        fd, named = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=folder)
    os.fchmod(fd, perms)
    try:
        with os.fdopen(fd, "wb", buffering=0) as handle:
            yield handle
            os.fsync(handle.fileno())
            if before_link is not None:
                before_link()
            if named is None:
                named = _link_anonymous(handle.fileno(), folder, target.name)
        if replace:
            os.replace(named, target)
        else:  # link(2) fails if the target appeared meanwhile: never clobber a file we did not own
            os.link(named, target)
            os.unlink(named)
        named = None
        _fsync_dir(folder)
    finally:
        if named is not None:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(named)


_AT_FDCWD = -100
_AT_SYMLINK_FOLLOW = 0x400


def _linkat_follow(source: str, target: str) -> None:
    """linkat(2) with AT_SYMLINK_FOLLOW: CPython's ``os.link`` calls link(2), which cannot link an
    ``O_TMPFILE`` inode through ``/proc/self/fd``."""
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.linkat(_AT_FDCWD, os.fsencode(source), _AT_FDCWD, os.fsencode(target), _AT_SYMLINK_FOLLOW) != 0:
        err = ctypes.get_errno()
        raise OSError(err, os.strerror(err), target)


def _link_anonymous(fd: int, folder: Path, name: str) -> str:
    """Give the unnamed inode a hidden name beside the target, so it can be renamed over it."""
    for _ in range(100):
        candidate = str(folder / f".{name}.{os.urandom(6).hex()}.tmp")
        try:
            _linkat_follow(f"/proc/self/fd/{fd}", candidate)
            return candidate
        except FileExistsError:
            continue
    raise FileExistsError(f"cannot name a temporary file in {folder}")
