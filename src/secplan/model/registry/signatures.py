"""Signing and verifying registered versions: the files on disk must still match the registration.

``sign`` re-hashes the files and refuses when anything changed since registration, then signs the
manifest (with the card and lineage digests in it) and the lineage statement with a managed key.
``check`` re-verifies a version end to end; gates and the MS-6 probe use it.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import select

from secplan.errors import IntegrityError, SecplanError
from secplan.model.registry.hashing import compare, hash_tree
from secplan.model.registry.lineage import digest
from secplan.model.registry.records import ModelVersionRow
from secplan.model.registry.signing import (
    sign_lineage,
    sign_tree,
    signing_key,
    verify_lineage,
    verify_path,
)
from secplan.model.registry.versions import ModelVersion, get_version, resolve_path
from secplan.projects import project_of

if TYPE_CHECKING:
    from secplan.crypto.keys.manager import KeyManager
    from secplan.store.db import Store


def _check_unchanged(root: Path, version: ModelVersion) -> Path:
    path = resolve_path(root, version.path)
    actual = hash_tree(path, method=version.tree.method, shard_size=version.tree.shard_size or 1)
    change = compare(version.tree.files, actual.files)
    if change:
        raise IntegrityError(f"{version.ref}: {path} changed since it was registered: {change.describe(path.name)}",
                             hint="register the new files as a new version")
    return path


def sign_version(store: Store, root: Path, manager: KeyManager, ref: str, key_ref: str,
                 signature: Path | None = None) -> ModelVersion:
    """Sign ``ref``; write the bundle to ``signature`` (atomically) when given, and keep it in the store."""
    from secplan.access import require
    from secplan.fsutil import atomic_write_text
    from secplan.identity import current_actor
    from secplan.ledger import record
    from secplan.model.card import card_digest

    version = get_version(store, ref, exact=True)
    require(store, "write", f"model:{version.name}")
    key_id = signing_key(manager, key_ref)
    try:
        path = _check_unchanged(root, version)
    except IntegrityError as exc:
        record(store, action="model.sign", obj=f"model:{version.ref}", details={"key": key_id, "refused": exc.message},
               outcome="failure")
        raise
    ignore: tuple[str, ...] = ()
    if signature is not None and path.is_dir():
        with contextlib.suppress(ValueError):
            ignore = (signature.resolve().relative_to(path.resolve()).as_posix(),)
    card = card_digest(version)
    lineage_digest = digest(version.lineage)
    extension = {"registry": version.ref, "card_sha256": card, "lineage_sha256": lineage_digest}
    tree = type(version.tree)(path.resolve().name, version.tree.method, version.tree.shard_size,
                              version.tree.files, ignore)
    bundle = sign_tree(manager, key_id, tree, extension)
    lineage_bundle = sign_lineage(manager, key_id, version.ref, version.root_digest, version.lineage)
    if signature is not None:
        atomic_write_text(signature, bundle)
    try:
        with store.session() as session:
            row = session.scalars(select(ModelVersionRow).where(
                ModelVersionRow.project_id == project_of(store).id, ModelVersionRow.name == version.name,
                ModelVersionRow.version == version.version)).one()
            row.bundle, row.lineage_bundle, row.signing_key = bundle, lineage_bundle, key_id
            row.signed_at, row.signed_by, row.card_digest = dt.datetime.now(dt.UTC), current_actor(), card
    except BaseException:
        if signature is not None:  # no signature file for a signing the store did not record
            signature.unlink(missing_ok=True)
        raise
    record(store, action="model.sign", obj=f"model:{version.ref}",
           details={"key": key_id, "digest": f"sha256:{version.root_digest}", "card_sha256": card,
                    "lineage_sha256": lineage_digest, "signature": str(signature) if signature else None})
    return get_version(store, version.ref)


@dataclass
class Check:
    """The outcome of re-verifying a version: ``problems`` empty means it verifies."""

    ref: str
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def check_version(root: Path, manager: KeyManager, version: ModelVersion, files_at: Path | None = None) -> Check:
    """Signature, files, lineage statement and card digest of a version, all re-checked offline.

    ``files_at`` verifies a copy of the files instead (the worker's private copy); the card still
    names the registered path, so its digest is computed from the version as registered."""
    from secplan.model.card import card_digest

    result = Check(version.ref)
    if version.bundle is None or version.signing_key is None:
        result.problems.append(f"{version.ref} is not signed")
        return result
    try:
        public = manager.export_public(version.signing_key)
        verified = verify_path(files_at or resolve_path(root, version.path), version.bundle, public, where=version.ref)
        statement = verify_lineage(version.lineage_bundle or "", public)
    except SecplanError as exc:
        result.problems.append(exc.message)
        return result
    ext = verified.extension
    if ext.get("registry") != version.ref:
        result.problems.append(f"{version.ref}: the signature is for {ext.get('registry')!r}")
    if ext.get("card_sha256") != card_digest(version):
        result.problems.append(f"{version.ref}: the model card content differs from the signed card digest")
    if ext.get("lineage_sha256") != digest(version.lineage) or \
            _plain(statement.get("predicate")) != _plain(version.lineage):
        result.problems.append(f"{version.ref}: the recorded lineage differs from the signed lineage")
    return result


def _plain(data: object) -> object:
    """The lineage as it round-trips through a protobuf Struct (numbers become floats)."""
    import json

    def norm(value: object) -> object:
        if isinstance(value, bool) or value is None or isinstance(value, str):
            return value
        if isinstance(value, int | float):
            return float(value)
        if isinstance(value, dict):
            return {k: norm(v) for k, v in value.items()}
        if isinstance(value, list | tuple):
            return [norm(v) for v in value]
        return str(value)

    return norm(json.loads(json.dumps(data, default=str)))
