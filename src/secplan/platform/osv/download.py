"""Fetch osv.dev's PyPI database (``all.zip``) for ``secplan db update``.

Only HTTPS, except to the loopback interface (a mirror on the same machine); a size bound; the file
lands in a temporary file beside the index and is only used once complete, so an interrupted
download never replaces a working database.
"""

from __future__ import annotations

import contextlib
import ipaddress
import os
import tempfile
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import urlsplit

from secplan.errors import InputError
from secplan.platform.osv.sources import EXPORT_SUFFIX

OSV_PYPI_URL = "https://osv-vulnerabilities.storage.googleapis.com/PyPI/all.zip"
MAX_BYTES = 2 * 1024**3
_CHUNK = 1 << 20


def _check_url(url: str) -> None:
    parts = urlsplit(url)
    if parts.scheme == "https":
        return
    host = parts.hostname or ""
    loopback = host == "localhost"
    with contextlib.suppress(ValueError):
        loopback = loopback or ipaddress.ip_address(host).is_loopback
    if parts.scheme == "http" and loopback:
        return
    raise InputError(f"{url}: only https:// URLs are fetched (http:// only from the loopback interface)")


@contextlib.contextmanager
def downloaded(url: str, directory: Path, on_progress: Callable[[int, int | None], None] | None = None,
               timeout: float = 60.0) -> Iterator[Path]:
    """Download ``url`` into a temporary file in ``directory``; yields its path, removed afterwards."""
    _check_url(url)
    directory.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".osv-download.", suffix=EXPORT_SUFFIX, dir=directory)
    try:
        try:
            with urllib.request.urlopen(url, timeout=timeout) as response, os.fdopen(fd, "wb") as out:
                total = int(response.headers.get("Content-Length") or 0) or None
                if total and total > MAX_BYTES:
                    raise InputError(f"{url}: {total} bytes, more than the {MAX_BYTES} a database may have")
                done = 0
                while chunk := response.read(_CHUNK):
                    done += len(chunk)
                    if done > MAX_BYTES:
                        raise InputError(f"{url}: more than {MAX_BYTES} bytes; stopped")
                    out.write(chunk)
                    if on_progress:
                        on_progress(done, total)
        except urllib.error.HTTPError as exc:
            raise InputError(f"{url}: the server answered {exc.code} {exc.reason}") from None
        except (urllib.error.URLError, TimeoutError, OSError) as exc:
            reason = getattr(exc, "reason", exc)
            raise InputError(f"{url}: cannot download ({reason})",
                             hint="without network access, download all.zip elsewhere and run "
                                  "`secplan db update FILE`") from None
        yield Path(tmp)
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
