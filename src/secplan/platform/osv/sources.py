"""Read OSV records from what users have offline: a directory of OSV JSON files, osv.dev's
per-ecosystem ``all.zip``, or a ``.jsonl`` / ``.jsonl.gz`` file (one record per line)."""

from __future__ import annotations

import gzip
import json
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from secplan.errors import InputError

#: The suffix of OSV's bulk export (``all.zip``); a downloaded database is stored under it.
EXPORT_SUFFIX = ".zip"


def describe(source: Path) -> str:
    if source.is_dir():
        return "directory"
    name = source.name.lower()
    for suffix in (".jsonl.gz", ".jsonl", ".zip", ".json"):
        if name.endswith(suffix):
            return suffix.lstrip(".")
    raise InputError(f"{source}: not an OSV source (expected a directory, .zip, .jsonl, .jsonl.gz or .json)")


def read_records(source: Path, warnings: list[str] | None = None) -> Iterator[dict[str, Any]]:
    """Yield raw OSV records. Unreadable entries are skipped with a warning naming them."""
    warnings = warnings if warnings is not None else []
    if not source.exists():
        raise InputError(f"{source}: OSV source not found")
    kind = describe(source)
    try:
        if kind == "directory":
            for path in sorted(source.rglob("*.json")):
                yield from _one_json(path.read_bytes(), str(path), warnings)
        elif kind == "zip":
            with zipfile.ZipFile(source) as archive:
                for info in archive.infolist():
                    if info.filename.endswith(".json") and not info.is_dir():
                        yield from _one_json(archive.read(info), f"{source}:{info.filename}", warnings)
        elif kind == "json":
            yield from _one_json(source.read_bytes(), str(source), warnings)
        else:
            opener = gzip.open if kind == "jsonl.gz" else open
            with opener(source, "rt", encoding="utf-8") as handle:
                for number, line in enumerate(handle, 1):
                    if line.strip():
                        yield from _one_json(line.encode(), f"{source}:{number}", warnings)
    except (OSError, zipfile.BadZipFile, EOFError, UnicodeDecodeError) as exc:
        raise InputError(f"{source}: cannot read OSV data ({type(exc).__name__}: {exc})") from None


def _one_json(raw: bytes, where: str, warnings: list[str]) -> Iterator[dict[str, Any]]:
    try:
        data = json.loads(raw)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        warnings.append(f"{where}: invalid JSON ({exc.msg if hasattr(exc, 'msg') else exc}); skipped")
        return
    items = data if isinstance(data, list) else [data]
    for item in items:
        if isinstance(item, dict) and "id" in item:
            yield item
        else:
            warnings.append(f"{where}: not an OSV record; skipped")
