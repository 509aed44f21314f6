"""Atomic file writes (a reader sees the old file or the new one, never a partial one), private
folders and files (owner only) for everything secplan keeps about a project, and the one way a path
becomes text in a document.

Paths are handled as the OS gives them: on POSIX a file name is bytes, which Python carries in a
``str`` with lone surrogates (``surrogateescape``) when they are not UTF-8. Such a string cannot be
encoded into JSON, SARIF, YAML, a database row or a terminal, so every path that goes into a
document goes through :func:`path_text`, a stable, reversible escape (:func:`text_path` undoes it),
while the real bytes stay on disk.
"""

from __future__ import annotations

import contextlib
import os
import stat
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO
from urllib.parse import quote

_ESCAPED_BYTES = frozenset(range(0x20)) | {0x7F}
"""Control characters (a newline or an ANSI escape in a name must not reach a log line or a terminal)."""


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


def path_text(path: str | bytes | os.PathLike[str] | os.PathLike[bytes]) -> str:
    """A path as document text: printable UTF-8 unchanged, ``\\`` for a backslash, and ``\\xNN``
    for each byte that is not UTF-8 or is a control character.

    The escape is injective (a literal backslash is doubled), so :func:`text_path` recovers the
    exact bytes; names that are printable UTF-8 without a backslash, nearly all of them, are unchanged.
    """
    raw = os.fsencode(path)
    text = raw.decode("utf-8", "surrogateescape")
    if text.isprintable() and "\\" not in text:
        return text
    out: list[str] = []
    for char in text:
        code = ord(char)
        if 0xDC80 <= code <= 0xDCFF:  # an undecodable byte, as surrogateescape carries it
            out.append(f"\\x{code - 0xDC00:02x}")
        elif code in _ESCAPED_BYTES:
            out.append(f"\\x{code:02x}")
        elif char == "\\":
            out.append("\\\\")
        else:
            out.append(char)
    return "".join(out)


def text_path(text: str) -> str:
    """The OS path (``surrogateescape`` str) that :func:`path_text` turned into ``text``.

    Raises ``ValueError`` on a backslash that starts no escape, which :func:`path_text` never writes.
    """
    if "\\" not in text:
        return text
    raw = bytearray()
    i = 0
    while i < len(text):
        char = text[i]
        if char != "\\":
            raw += char.encode("utf-8", "surrogateescape")
            i += 1
        elif text[i + 1:i + 2] == "\\":
            raw += b"\\"
            i += 2
        elif text[i + 1:i + 2] == "x" and len(text[i + 2:i + 4]) == 2:
            try:
                raw.append(int(text[i + 2:i + 4], 16))
            except ValueError:
                raise ValueError(f"not an escaped path: bad escape at {i} in {text!r}") from None
            i += 4
        else:
            raise ValueError(f"not an escaped path: lone backslash at {i} in {text!r}")
    return os.fsdecode(bytes(raw))


def path_uri(path: str | bytes | os.PathLike[str] | os.PathLike[bytes]) -> str:
    """A path (as the OS gives it) as a URI reference: its bytes percent-encoded (RFC 3986), slashes
    kept, so ``caf\\xe9.csv`` (Latin-1 bytes) is ``caf%E9.csv``."""
    return quote(os.fsencode(path), safe="/")


def safe_text(text: str) -> str:
    """``text`` with each lone surrogate (an OS byte that is not UTF-8) written as ``\\xNN``: for
    messages and other free text that may quote a path, so that it can always be encoded."""
    if text.isascii() or not any(0xD800 <= ord(char) <= 0xDFFF for char in text):
        return text
    return text.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


def document_safe(value: object) -> object:
    """``value`` (JSON-like: dicts, lists, strings, paths) with every path written by :func:`path_text`
    and every other string by :func:`safe_text`: what a writer calls when a document it was given
    cannot be encoded, so that a name the OS allows never stops a report."""
    if isinstance(value, str):
        return safe_text(value)
    if isinstance(value, os.PathLike):
        return path_text(value)
    if isinstance(value, dict):
        return {document_safe(k): document_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [document_safe(v) for v in value]
    return value


def utf8_path_or_file(path: str | os.PathLike[str]) -> str | IO[bytes]:
    """For libraries that take a path only as UTF-8 text (pyarrow, most C extensions): the path as
    ``str`` when it encodes, else the file opened for binary reading (the caller closes it), which
    such libraries read just as well, so a name that is not UTF-8 never reaches their encoder."""
    text = os.fspath(path)
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return open(text, "rb")
    return text
