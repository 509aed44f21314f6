"""What a version was made from: datasets, code, parameters, metrics and the environment.

Parameters and metrics files are JSON or YAML read as data (``yaml.safe_load``), never executed.
"""

from __future__ import annotations

import hashlib
import json
import platform
import sys
from importlib import metadata
from pathlib import Path
from typing import Any

from secplan.documents import CONFIG_LIMITS, parse_json, parse_yaml
from secplan.errors import InputError

_COMMIT = set("0123456789abcdef")


def read_document(path: Path, what: str) -> dict[str, Any]:
    """A JSON or YAML mapping from ``path`` (parameters, metrics, card information)."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise InputError(f"{path}: cannot read {what} file ({exc.strerror})") from None
    except UnicodeDecodeError:
        raise InputError(f"{path}: {what} file is not UTF-8 text") from None
    kind = f"{what} file"
    data = parse_json(text, str(path), what=kind) if path.suffix.lower() == ".json" \
        else parse_yaml(text, str(path), CONFIG_LIMITS, what=kind)
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise InputError(f"{path}: {what} file must hold a mapping (key: value), not {type(data).__name__}")
    return data


def check_commit(ref: str) -> str:
    """A git commit id (7 to 64 hex digits): lineage names code by content, not by branch."""
    value = ref.strip().lower()
    if not 7 <= len(value) <= 64 or not set(value) <= _COMMIT:
        raise InputError(f"--code-ref {ref!r} is not a git commit id (7 to 64 hexadecimal digits)")
    return value


def environment() -> dict[str, Any]:
    """Python and installed package versions (importlib.metadata), so a run can be reproduced."""
    packages = {}
    for dist in metadata.distributions():
        name = dist.metadata.get("Name")
        if name:
            packages[name.lower()] = dist.version
    return {"python": sys.version.split()[0], "implementation": platform.python_implementation(),
            "platform": platform.platform(terse=True), "packages": dict(sorted(packages.items()))}


def canonical(data: Any) -> bytes:
    """Canonical JSON bytes (sorted keys, no spaces): what digests and signatures cover."""
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str).encode()


def digest(data: Any) -> str:
    return hashlib.sha256(canonical(data)).hexdigest()
