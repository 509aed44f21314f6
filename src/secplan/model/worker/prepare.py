"""The checks a local model passes before any process loads it.

The registered files are copied into a private folder first and every check runs on that copy,
the bytes the worker will load: the registration's scan verdict, a fresh artifact scan, the
registered digests, and the signature (with card and lineage digests) when the version is signed.
A file changed after the checks cannot reach the worker.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from secplan.errors import InputError, IntegrityError
from secplan.model.worker import formats

if TYPE_CHECKING:
    from secplan.crypto.keys.manager import KeyManager
    from secplan.model.registry.versions import ModelVersion


_REFUSED = frozenset({"unsafe", "suspicious", "error"})
"""Scan verdicts that refuse a version; ``unsupported`` files are never loaded unless they are a
native XGBoost or LightGBM model (:mod:`.formats`), and a loaded scanned file must be ``safe``."""


@dataclass
class Prepared:
    """A verified private copy of a version and the one file in it to load."""

    ref: str
    digest: str
    workdir: Path
    model_file: Path
    format: str

    def cleanup(self) -> None:
        shutil.rmtree(self.workdir, ignore_errors=True)


def _copy(source: Path, target: Path) -> None:
    if source.is_symlink():
        raise IntegrityError(f"{source}: the model is a symbolic link; register the file itself")
    if source.is_dir():
        shutil.copytree(source, target, symlinks=True)
        for dirpath, dirnames, filenames in os.walk(target):
            for name in dirnames + filenames:
                if (Path(dirpath) / name).is_symlink():
                    raise IntegrityError(f"{source}: holds a symbolic link ({name}); models are loaded "
                                         "from regular files only")
    elif source.is_file():
        shutil.copyfile(source, target)
    else:
        raise InputError(f"{source}: the registered model path is missing")


def _verify_copy(version: ModelVersion, copy: Path, manager: KeyManager | None, root: Path) -> None:
    from secplan.model.registry.hashing import compare, hash_tree
    from secplan.model.registry.signatures import check_version
    from secplan.model.registry.signing import verify_bundle

    ignore: tuple[str, ...] = ()
    if version.bundle is not None:
        if manager is None:
            from secplan.crypto.keys.manager import KeyManager

            manager = KeyManager.for_project(root)
        check = check_version(root, manager, version, files_at=copy)
        if not check.ok:
            raise IntegrityError(f"{version.ref}: refused before loading: " + "; ".join(check.problems))
        ignore = verify_bundle(version.bundle, manager.export_public(version.signing_key or "")).ignore_paths
    actual = hash_tree(copy, ignore=ignore, method=version.tree.method, shard_size=version.tree.shard_size or 1)
    change = compare(version.tree.files, actual.files)
    if change:
        raise IntegrityError(f"{version.ref}: refused before loading: the files do not match the registered "
                             f"digest: {change.describe(copy.name)}", hint="register the new files as a new version")


def _choose(version: ModelVersion, copy: Path) -> tuple[Path, str]:
    from secplan.model.scan import ScanOptions, scan_paths

    registered = set(version.tree.files)
    report = scan_paths([copy], ScanOptions())
    scanned = {Path(f.path).resolve(): f for f in report.files}
    files = [copy] if copy.is_file() else sorted(p for p in copy.rglob("*") if p.is_file())
    candidates: list[tuple[Path, str]] = []
    seen: list[str] = []
    for path in files:
        rel = "." if copy.is_file() else path.relative_to(copy).as_posix()  # a file's one digest is "."
        if rel not in registered:
            continue
        result = scanned.get(path.resolve())
        fmt = formats.scanned_format(result.format, path) if result is not None else None
        if result is not None and (str(result.verdict) in _REFUSED or (fmt is not None and result.verdict != "safe")):
            rules = ", ".join(sorted({x.rule for x in result.findings})) or "no detail"
            raise IntegrityError(f"{version.ref}: refused before loading: the artifact scanner found {rel} "
                                 f"{result.verdict} ({rules})")
        if fmt is not None:
            candidates.append((path, fmt))
            continue
        native = formats.native_format(path)
        if native is not None:
            candidates.append((path, native))
        elif result is not None and result.format not in ("unknown", "json"):
            seen.append(result.format)
        elif result is not None and not formats.skipped(path):
            seen.append(path.suffix.lstrip(".") or path.name)
    return formats.choose(candidates, version.ref, seen)


def prepare(version: ModelVersion, root: Path, manager: KeyManager | None = None) -> Prepared:
    """Copy, verify and scan ``version``; the :class:`Prepared` copy is what a worker may load."""
    from secplan.model.registry.versions import resolve_path

    if version.scan_verdict in _REFUSED:
        raise IntegrityError(f"{version.ref}: refused before loading: the artifact scan at registration says "
                             f"{version.scan_verdict} (a model is loaded only when the scan is safe)")
    source = resolve_path(root, version.path)
    workdir = Path(tempfile.mkdtemp(prefix="secplan-worker-"))
    try:
        os.chmod(workdir, 0o700)
        copy = workdir / (source.name or "model")
        _copy(source, copy)
        _verify_copy(version, copy, manager, root)
        model_file, fmt = _choose(version, copy)
        for path in [copy, *copy.rglob("*")] if copy.is_dir() else [copy]:
            if path.is_file():
                path.chmod(0o400)
    except BaseException:
        shutil.rmtree(workdir, ignore_errors=True)
        raise
    return Prepared(version.ref, f"sha256:{version.root_digest}", workdir, model_file, fmt)
