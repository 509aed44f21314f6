"""Deleting what is past retention, with evidence: each deletion and each crypto-shred goes to the
audit ledger, and the report says plainly which backup snapshots still hold copies.

Crypto-shredding destroys a key version once no live encrypted file in the project uses it any more:
every copy of the data it wrapped (in backups, in someone's download folder) becomes unreadable. A key
version still wrapping other files, or the one that protects the backup repository's password, is
kept, and the report says why.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import select

from secplan.assess.discover import discover
from secplan.compliance.retention.schedule import Due, Schedule, kek_ids_of
from secplan.crypto.keys.interface import KeyState
from secplan.crypto.keys.manager import KeyManager
from secplan.errors import SecplanError
from secplan.plan.model import Plan
from secplan.store.db import Store


@dataclass
class ShredPlan:
    shred: dict[str, list[str]] = field(default_factory=dict)
    """Key version -> the due files it wraps; nothing live uses it."""
    keep: dict[str, str] = field(default_factory=dict)
    """Key version -> why it is kept."""


@dataclass
class Backups:
    holding: dict[str, list[str]] = field(default_factory=dict)
    """Due path -> snapshot ids still holding a copy."""
    note: str | None = None
    """Why backups could not be checked, when they could not."""


def shred_plan(root: Path, plan: Plan, due: list[Due], keys: KeyManager, store: Store | None) -> ShredPlan:
    """Which key versions become unused once ``due`` is deleted, and which must stay (and why)."""
    going = {d.path for d in due}
    candidates: dict[str, list[str]] = {}
    for d in due:
        for kek in d.kek_ids:
            candidates.setdefault(kek, []).append(d.path)
    result = ShredPlan()
    if not candidates:
        return result
    live: dict[str, int] = {}
    for f in discover(root, plan.exclude):
        if f.encrypted and f.path not in going:
            for kek in kek_ids_of(root / f.path):
                live[kek] = live.get(kek, 0) + 1
    protected = _backup_keks(store)
    states = {k.id: k.state for k in keys.list()}
    for kek, paths in candidates.items():
        if kek not in states:
            result.keep[kek] = "not in this project's keystore"
        elif states[kek] is KeyState.DESTROYED:
            result.keep[kek] = "already destroyed"
        elif kek in protected:
            result.keep[kek] = "it wraps the backup repository password"
        elif live.get(kek):
            result.keep[kek] = f"still wraps {live[kek]} other live file(s)"
        else:
            result.shred[kek] = paths
    return result


def _backup_keks(store: Store | None) -> set[str]:
    if store is None:
        return set()
    from secplan.data.backup.records import BackupRepositoryRow

    with store.session() as session:
        return set(session.scalars(select(BackupRepositoryRow.kek_id)).all())


def backup_copies(root: Path, plan: Plan, store: Store | None, keys: KeyManager, due: list[Due]) -> Backups:
    """Snapshots of the plan's backup repository that hold a copy of each due file."""
    if not plan.policy.backup.repository:
        return Backups(note="no backup repository is declared: copies elsewhere are not tracked by secplan")
    if store is None:
        return Backups(note="no backup has been recorded for this project")
    try:
        from secplan.data.backup.engine import BackupEngine

        engine = BackupEngine(root, plan, store, keys)
        return Backups(holding=engine.snapshots_holding([d.path for d in due]))
    except SecplanError as exc:
        return Backups(note=f"could not check the backup repository: {exc.message}")


DELETE_ACTION = "data.delete"
"""The plan's name for deleting data in ``policy.approvals.two_person_rule`` (on by default)."""


def approval_target(plan: Plan, asset_path: str) -> str:
    """``dataset:data/raw`` (or ``model:...``): what an approval for deleting an asset's files names."""
    asset = next((a for a in plan.assets if a.path == asset_path), None)
    kind = asset.kind.value if asset is not None and asset.kind is not None else "dataset"
    return f"{kind}:{asset_path}"


def require_approvals(store: Store, plan: Plan, due: list[Due]) -> dict[str, int | None]:
    """Consume one second-person approval per asset when the plan puts ``data.delete`` under the
    two-person rule; raises PermissionDenied (recorded) before anything is deleted otherwise."""
    if DELETE_ACTION not in plan.policy.approvals.two_person_rule:
        return {}
    try:
        from secplan.human.approvals import require_approval
    except ImportError as exc:
        raise SecplanError(f"the plan puts {DELETE_ACTION} under the two-person rule but the governance engine "
                           f"is not installed ({exc.name})", hint="pip install 'secplan[governance]'") from None
    targets = sorted({approval_target(plan, d.asset) for d in due})
    return {target: require_approval(store, DELETE_ACTION, target) for target in targets}


def _sha256(path: Path) -> str:
    with open(path, "rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


def apply(root: Path, plan: Plan, sched: Schedule, store: Store, keys: KeyManager,
          on_item: Callable[[str], None] | None = None) -> dict[str, Any]:
    """Delete every due file, shred keys left unused, and record each step in the ledger."""
    from secplan.ledger import record

    due = list(sched.due)
    approvals = require_approvals(store, plan, due)
    backups = backup_copies(root, plan, store, keys, due)
    shreds = shred_plan(root, plan, due, keys, store)
    deleted: list[str] = []
    failed: dict[str, str] = {}
    for d in due:
        path = root / d.path
        details = {"asset": d.asset, "retention_days": d.retention_days, "basis": d.basis, "age_days": d.age_days,
                   "size": d.size, "encrypted": d.encrypted, "kek_ids": list(d.kek_ids),
                   "backup_snapshots": backups.holding.get(d.path, [])}
        try:
            details["sha256"] = _sha256(path)
            path.unlink()
        except OSError as exc:
            failed[d.path] = exc.strerror or str(exc)
            record(store, action="retention.delete", obj=f"file:{d.path}",
                   details={**details, "error": failed[d.path]}, outcome="failure")
            continue
        deleted.append(d.path)
        record(store, action="retention.delete", obj=f"file:{d.path}", details=details)
        if on_item:
            on_item(d.path)
    for target in sorted({approval_target(plan, d.asset) for d in due}):
        files = [d.path for d in due if approval_target(plan, d.asset) == target and d.path in deleted]
        if files:
            record(store, action=DELETE_ACTION, obj=target,
                   details={"files": files, "via": "retention", "approval": approvals.get(target)})
    shredded: list[str] = []
    shredded_files: list[str] = []
    for kek, paths in shreds.shred.items():
        if any(p in failed for p in paths):
            shreds.keep[kek] = "a file it wraps could not be deleted"
            continue
        try:
            keys.destroy(kek)
        except SecplanError as exc:
            failed[f"key:{kek}"] = exc.message
            record(store, action="retention.shred", obj=f"key:{kek}", details={"files": paths, "error": exc.message},
                   outcome="failure")
            continue
        shredded.append(kek)
        shredded_files.extend(paths)
        record(store, action="retention.shred", obj=f"key:{kek}", details={"files": paths})
    return {"deleted": deleted, "failed": failed, "shredded": shredded, "shredded_files": shredded_files, "kept_keys": shreds.keep,
            "backups": backups.holding, "backups_note": backups.note}
