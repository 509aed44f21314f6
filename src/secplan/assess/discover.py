"""Find a project's files and tell their kind by name and content (never by extension alone for
binaries that matter: model artifacts and encrypted files are recognised by their first bytes)."""

from __future__ import annotations

import fnmatch
import os
from dataclasses import dataclass
from pathlib import Path

from secplan.crypto.magic import is_encrypted_header
from secplan.vocabulary import AssetKind

SKIP_DIRS = {".git", ".hg", ".svn", ".secplan", ".venv", "venv", "node_modules", "__pycache__",
             ".mypy_cache", ".pytest_cache", ".ruff_cache", ".ipynb_checkpoints", ".tox"}
HEAD_BYTES = 64

DATASET_SUFFIXES = {".csv", ".tsv", ".parquet", ".pq", ".jsonl", ".ndjson", ".feather", ".arrow", ".orc",
                    ".avro", ".xlsx", ".xls", ".txt.gz", ".csv.gz", ".jsonl.gz"}
MODEL_SUFFIXES = {".pkl", ".pickle", ".joblib", ".pt", ".pth", ".bin", ".ckpt", ".h5", ".hdf5", ".keras",
                  ".onnx", ".gguf", ".safetensors", ".npy", ".npz", ".skops", ".ubj", ".model", ".mar",
                  ".pb", ".tflite", ".dill", ".cloudpickle"}
PICKLE_BASED_SUFFIXES = {".pkl", ".pickle", ".joblib", ".pt", ".pth", ".bin", ".ckpt", ".dill",
                         ".cloudpickle", ".mar"}
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
    """A content hint from the first bytes: ``pickle``, ``zip``, ``hdf5``, ``gguf``, ``safetensors``, ``numpy``, ``onnx``?"""


def _content_hint(head: bytes) -> str | None:
    if not head:
        return None
    if head[:1] == b"\x80" and len(head) > 1 and head[1] <= 5:
        return "pickle"
    if head.startswith(b"PK\x03\x04") or head.startswith(b"PK\x05\x06"):
        return "zip"
    if head.startswith(b"\x89HDF\r\n\x1a\n"):
        return "hdf5"
    if head.startswith(b"GGUF"):
        return "gguf"
    if head.startswith(b"\x93NUMPY"):
        return "numpy"
    if head.startswith(b"PAR1"):
        return "parquet"
    if head[:2] == b"\x1f\x8b":
        return "gzip"
    if len(head) >= 9 and head[8:9] == b"{" and int.from_bytes(head[:8], "little") < 100_000_000:
        return "safetensors"
    return None


def classify_file(rel: str, head: bytes) -> tuple[AssetKind, str | None]:
    name = rel.rsplit("/", 1)[-1]
    lower = name.lower()
    suffixes = "".join(Path(lower).suffixes[-2:])
    suffix = Path(lower).suffix
    hint = _content_hint(head)
    if is_encrypted_header(head):
        return AssetKind.ENCRYPTED, "secplan-encrypted"
    if (lower.startswith("requirements") and lower.endswith((".txt", ".in"))) or lower in DEPENDENCY_NAMES:
        return AssetKind.DEPENDENCIES, hint
    if lower.startswith("dockerfile") or lower.endswith(".dockerfile") or suffix in {".tf", ".hcl"}:
        return AssetKind.INFRASTRUCTURE, hint
    if lower.startswith(("docker-compose", "compose.")) and suffix in {".yml", ".yaml"}:
        return AssetKind.INFRASTRUCTURE, hint
    if suffix == ".ipynb":
        return AssetKind.NOTEBOOK, hint
    if suffix in MODEL_SUFFIXES or hint in {"pickle", "hdf5", "gguf", "numpy"}:
        return AssetKind.MODEL, hint
    if suffix in DATASET_SUFFIXES or suffixes in DATASET_SUFFIXES or hint == "parquet":
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
                    head = handle.read(HEAD_BYTES)
                    # Kubernetes manifests declare apiVersion near the top, not always in the first bytes.
                    if filename.lower().endswith((".yml", ".yaml")):
                        head += handle.read(4096)
            except OSError:
                continue
            kind, hint = classify_file(rel, head)
            found.append(ProjectFile(rel, kind, size, kind is AssetKind.ENCRYPTED, hint))
    return found
