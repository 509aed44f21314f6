"""Rotation: move every encrypted file under a folder to a key's new version by re-wrapping data keys.

Only the 512-byte key slots change (see :func:`secplan.crypto.files.rewrap_file`), so a rotation costs
the same for a 1 KiB file and a 1 TiB one. Files under other keys are left alone.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from secplan.crypto.files import read_info, rewrap_file
from secplan.crypto.keys.interface import KeyVersion
from secplan.crypto.keys.manager import KeyManager, parse_ref
from secplan.errors import SecplanError
from secplan.filetypes import ENCRYPTED_MAGIC, is_encrypted

SKIP_DIRS = {".git", ".hg", ".svn", ".secplan", ".venv", "venv", "node_modules", "__pycache__"}


def encrypted_files(root: Path) -> Iterator[Path]:
    """Regular files under ``root`` (or ``root`` itself) that start with the format's magic; no symlinks."""
    if root.is_file():
        candidates: Iterator[Path] = iter([root])
    else:
        def walk() -> Iterator[Path]:
            for dirpath, dirnames, filenames in os.walk(root):
                dirnames[:] = sorted(d for d in dirnames if d not in SKIP_DIRS)
                for name in sorted(filenames):
                    yield Path(dirpath) / name
        candidates = walk()
    for path in candidates:
        if path.is_symlink() or not path.is_file():
            continue
        try:
            with open(path, "rb") as handle:
                if is_encrypted(handle.read(len(ENCRYPTED_MAGIC))):
                    yield path
        except OSError:
            continue


@dataclass
class RewrapReport:
    key: str
    rewrapped: list[str] = field(default_factory=list)
    current: list[str] = field(default_factory=list)
    """Already on the target version."""
    other_keys: list[str] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)
    """Path -> why (the error message; never key material)."""

    def to_dict(self) -> dict[str, object]:
        return {"key": self.key, "rewrapped": len(self.rewrapped), "already_current": len(self.current),
                "other_keys": len(self.other_keys), "failed": self.failed}


def rewrap_tree(root: Path, keys: KeyManager, target: KeyVersion) -> RewrapReport:
    """Re-wrap every file under ``root`` whose data key is wrapped by any version of ``target``'s key."""
    report = RewrapReport(target.id)
    for path in encrypted_files(root):
        try:
            current = read_info(path).current
            assert current is not None
            if parse_ref(current.kek_id)[0] != target.name:
                report.other_keys.append(str(path))
            elif rewrap_file(path, keys, target):
                report.rewrapped.append(str(path))
            else:
                report.current.append(str(path))
        except SecplanError as exc:
            report.failed[str(path)] = exc.message
        except OSError as exc:
            report.failed[str(path)] = f"cannot update: {exc.strerror}"
    return report
