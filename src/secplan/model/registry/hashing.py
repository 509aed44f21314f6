"""Digests of every file of a model, computed in parallel, in the OpenSSF model-signing layout.

Files are hashed whole with SHA-256 (the ``files`` serialization); when any file is larger than
:data:`SHARD_SIZE` the whole tree uses the ``shards`` serialization (``path:start:end`` pieces),
so that one huge file is spread over all workers. Both layouts are the ones `model_signing` itself
writes and verifies, so its verifier checks our manifests and ours check its own.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from secplan.errors import InputError

SHARD_SIZE = 1_000_000_000
"""The model-signing library's default shard size (1 GB)."""
CHUNK = 1 << 20
GIT_PATHS = (".git", ".gitattributes", ".github", ".gitignore")
"""Ignored at the model root, as model_signing does by default."""


@dataclass(frozen=True)
class FileDigest:
    """One file: its digest (``files`` layout) or its shards' digests (``shards`` layout)."""

    name: str
    size: int
    sha256: str | None = None
    shards: tuple[tuple[int, int, str], ...] = ()

    @property
    def content(self) -> str | tuple[tuple[int, int, str], ...]:
        """What verification compares: the digest, or the shards' digests."""
        return self.sha256 if self.sha256 is not None else self.shards

    def to_dict(self) -> dict[str, Any]:
        if self.sha256 is not None:
            return {"size": self.size, "sha256": self.sha256}
        return {"size": self.size, "shards": [list(s) for s in self.shards]}

    @classmethod
    def from_dict(cls, name: str, raw: dict[str, Any]) -> FileDigest:
        shards = tuple((int(a), int(b), str(h)) for a, b, h in raw.get("shards", []))
        return cls(name, int(raw["size"]), raw.get("sha256"), shards)


@dataclass(frozen=True)
class TreeDigest:
    """The digests of a model (a folder or one file) and how they were laid out."""

    model_name: str
    method: str
    shard_size: int | None
    files: dict[str, FileDigest] = field(default_factory=dict)
    ignore_paths: tuple[str, ...] = ()

    @property
    def total_size(self) -> int:
        return sum(f.size for f in self.files.values())

    def resources(self) -> list[tuple[str, str]]:
        """(identifier, sha256 hex) pairs in model-signing's canonical (sorted) order."""
        keyed: list[tuple[tuple[Any, ...], str, str]] = []
        for f in self.files.values():
            path = PurePosixPath(f.name)
            if f.sha256 is not None:
                keyed.append(((path,), f.name, f.sha256))
            else:
                keyed.extend(((path, a, b), f"{f.name}:{a}:{b}", h) for a, b, h in f.shards)
        return [(ident, h) for _key, ident, h in sorted(keyed)]  # the library sorts by path parts

    def root_digest(self) -> str:
        """SHA-256 over the resource digests in order: the in-toto subject's digest."""
        h = hashlib.sha256()
        for _name, digest in self.resources():
            h.update(bytes.fromhex(digest))
        return h.hexdigest()

    def files_dict(self) -> dict[str, Any]:
        return {name: f.to_dict() for name, f in sorted(self.files.items())}


def list_files(model: Path, ignore: Iterable[str] = ()) -> list[tuple[str, Path]]:
    """Regular files under ``model`` (or ``model`` itself), as (posix name, path); symlinks are refused."""
    if model.is_symlink():
        raise InputError(f"{model}: is a symbolic link; register the real file or folder")
    if model.is_file():
        return [(".", model)]
    if not model.is_dir():
        raise InputError(f"{model}: no such file or directory")
    skip = set(GIT_PATHS) | {p.strip("/") for p in ignore}
    found: list[tuple[str, Path]] = []
    stack = [(model, "")]
    while stack:
        folder, prefix = stack.pop()
        with os.scandir(folder) as entries:
            for entry in entries:
                name = prefix + entry.name
                if name in skip:
                    continue
                if entry.is_symlink():
                    raise InputError(f"{model}: {name} is a symbolic link (model-signing refuses them)")
                if entry.is_dir():
                    stack.append((Path(entry.path), name + "/"))
                elif entry.is_file():
                    found.append((name, Path(entry.path)))
                else:
                    raise InputError(f"{model}: {name} is not a regular file")
    return sorted(found)


def _hash_range(path: Path, start: int, end: int) -> str:
    h = hashlib.sha256()
    with path.open("rb", buffering=0) as f:
        f.seek(start)
        left = end - start
        buf = bytearray(CHUNK)
        view = memoryview(buf)
        while left > 0:
            n = f.readinto(view[: min(CHUNK, left)])
            if not n:
                raise InputError(f"{path}: file shrank while it was being hashed")
            h.update(view[:n])
            left -= n
    return h.hexdigest()


def _hash_file(path: Path) -> str:
    with path.open("rb") as f:
        return hashlib.file_digest(f, "sha256").hexdigest()


def hash_tree(model: Path, *, ignore: Iterable[str] = (), workers: int | None = None,
              shard_size: int = SHARD_SIZE, method: str | None = None) -> TreeDigest:
    """Hash every file of ``model`` on a thread pool (SHA-256 releases the GIL).

    ``method`` forces ``files`` or ``shards`` (verification re-hashes the way the signer did);
    by default shards are used only when a file is larger than ``shard_size``."""
    ignore = tuple(ignore)
    files = list_files(model, ignore)
    sizes = {name: path.stat().st_size for name, path in files}
    sharded = method == "shards" or (method is None and any(size > shard_size for size in sizes.values()))
    workers = workers or min(32, (os.cpu_count() or 1) * 2)
    model_name = model.resolve().name
    try:
        with ThreadPoolExecutor(max_workers=workers) as pool:
            if not sharded:
                futures = {name: pool.submit(_hash_file, path) for name, path in files}
                digests = {name: FileDigest(name, sizes[name], fut.result()) for name, fut in futures.items()}
                return TreeDigest(model_name, "files", None, digests, ignore)
            jobs = {name: [(a, min(a + shard_size, sizes[name]),
                            pool.submit(_hash_range, path, a, min(a + shard_size, sizes[name])))
                           for a in range(0, sizes[name], shard_size)]
                    for name, path in files if sizes[name] > 0}  # empty files have no shard
            digests = {name: FileDigest(name, sizes[name], None, tuple((a, b, f.result()) for a, b, f in parts))
                       for name, parts in jobs.items()}
            return TreeDigest(model_name, "shards", shard_size, digests, ignore)
    except OSError as exc:
        raise InputError(f"{exc.filename or model}: cannot read ({exc.strerror})") from None


@dataclass(frozen=True)
class TreeChange:
    """How a tree differs from a recorded one, by file name."""

    changed: tuple[str, ...] = ()
    added: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.changed or self.added or self.removed)

    def describe(self, single: str = ".") -> str:
        """``changed: a, b; added: c``; ``single`` names the file of a one-file model (listed as ``.``)."""
        parts = [f"{label}: {', '.join(single if n == '.' else n for n in names)}" for label, names in
                 (("changed", self.changed), ("added", self.added), ("removed", self.removed)) if names]
        return "; ".join(parts)


def compare(expected: dict[str, FileDigest], actual: dict[str, FileDigest]) -> TreeChange:
    """Files whose content differs, files only in ``actual`` (added), files only in ``expected`` (removed)."""
    names = set(expected) | set(actual)
    return TreeChange(
        changed=tuple(sorted(n for n in names if n in expected and n in actual
                             and expected[n].content != actual[n].content)),
        added=tuple(sorted(n for n in names if n not in expected)),
        removed=tuple(sorted(n for n in names if n not in actual)),
    )
