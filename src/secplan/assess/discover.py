"""Find a project's files and tell their kind by name and content (never by extension alone for
binaries that matter: model artifacts and encrypted files are recognised by their first bytes)."""

from __future__ import annotations

import fnmatch
import os
from dataclasses import dataclass
from pathlib import Path

from secplan import filetypes
from secplan.filetypes import Family
from secplan.vocabulary import AssetKind

SKIP_DIRS = {".git", ".hg", ".svn", ".secplan", ".venv", "venv", "node_modules", "__pycache__",
             ".mypy_cache", ".pytest_cache", ".ruff_cache", ".ipynb_checkpoints", ".tox"}
DEPENDENCY_NAMES = {"pyproject.toml", "poetry.lock", "uv.lock", "pylock.toml", "pipfile", "pipfile.lock",
                    "environment.yml", "environment.yaml", "setup.py", "setup.cfg", "conda.yaml"}
DOCUMENT_SUFFIXES = {".md", ".rst", ".pdf", ".docx", ".txt", ".html"}


@dataclass(frozen=True)
class ProjectFile:
    """A file of the project as discovery sees it."""

    path: str
    """Relative to the project root, forward slashes."""
    kind: AssetKind
    size: int
    encrypted: bool = False
    """True when the file starts with secplan's encrypted-format magic."""
    magic: str | None = None
    """What the first bytes say the file is (:func:`secplan.filetypes.identify`): ``pickle``, ``zip``,
    ``safetensors``, ``parquet``, ``png``, ``secplan-encrypted``...; None when they say nothing for sure."""


def classify_file(rel: str, head: bytes) -> tuple[AssetKind, str | None]:
    """The kind of a project file from its path and first bytes, and what those bytes say it is."""
    name = rel.rsplit("/", 1)[-1]
    lower = name.lower()
    suffix = filetypes.suffix(lower)
    found = filetypes.identify(head)
    hint = found.name if found is not None else None
    if found is not None and found.family is Family.ENCRYPTED:
        return AssetKind.ENCRYPTED, hint
    if (lower.startswith("requirements") and lower.endswith((".txt", ".in"))) or lower in DEPENDENCY_NAMES:
        return AssetKind.DEPENDENCIES, hint
    if lower.startswith("dockerfile") or lower.endswith(".dockerfile") or suffix in {".tf", ".hcl"}:
        return AssetKind.INFRASTRUCTURE, hint
    if lower.startswith(("docker-compose", "compose.")) and suffix in {".yml", ".yaml"}:
        return AssetKind.INFRASTRUCTURE, hint
    if suffix == ".ipynb":
        return AssetKind.NOTEBOOK, hint
    if suffix in filetypes.MODEL_SUFFIXES or (found is not None and found.family is Family.MODEL):
        return AssetKind.MODEL, hint
    if filetypes.is_dataset_name(lower) or (found is not None and found.family is Family.DATASET):
        return AssetKind.DATASET, hint
    if suffix in {".py", ".sh", ".r", ".scala", ".java", ".js", ".ts", ".go"}:
        return AssetKind.CODE, hint
    if suffix in {".yml", ".yaml"} and b"apiVersion" in head + b"":
        return AssetKind.INFRASTRUCTURE, hint
    if suffix in DOCUMENT_SUFFIXES:
        return AssetKind.DOCUMENT, hint
    return AssetKind.OTHER, hint


def discover(root: Path, exclude: list[str] | None = None) -> list[ProjectFile]:
    """Walk ``root`` (not following symlinks out of it) and classify every file. Sorted by path."""
    patterns = list(exclude or [])
    found: list[ProjectFile] = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if d not in SKIP_DIRS and not d.endswith(".egg-info"))
        base = Path(dirpath)
        for filename in sorted(filenames):
            full = base / filename
            rel = full.relative_to(root).as_posix()
            if rel == "secplan.yaml" or any(fnmatch.fnmatch(rel, pat) for pat in patterns):
                continue
            if full.is_symlink() or not full.is_file():
                continue
            try:
                size = full.stat().st_size
                with full.open("rb") as handle:
                    head = handle.read(filetypes.HEAD)
                    # Kubernetes manifests declare apiVersion near the top, not always in the first bytes.
                    if filename.lower().endswith((".yml", ".yaml")):
                        head += handle.read(4096)
            except OSError:
                continue
            kind, hint = classify_file(rel, head)
            found.append(ProjectFile(rel, kind, size, kind is AssetKind.ENCRYPTED, hint))
    return found
