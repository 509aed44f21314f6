"""Which files are past their retention period, by the plan: an asset's ``retention_days`` first, then
``policy.retention.days_by_classification`` for its classification. A file's age is the time since its
last modification (a dataset rewritten keeps living; one left alone ages out)."""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from secplan.assess.discover import ProjectFile, discover
from secplan.errors import SecplanError
from secplan.plan.model import Asset, Plan


@dataclass(frozen=True)
class Due:
    """A file past its retention period."""

    path: str
    asset: str
    retention_days: int
    basis: str
    """``asset`` or ``classification:<level>``: where the period comes from."""
    modified: dt.date
    age_days: int
    size: int
    encrypted: bool
    kek_ids: tuple[str, ...] = ()
    """Key versions wrapping the file's data key (encrypted files only)."""

    @property
    def overdue_days(self) -> int:
        return self.age_days - self.retention_days

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "modified": self.modified.isoformat(), "kek_ids": list(self.kek_ids),
                "overdue_days": self.overdue_days}


@dataclass(frozen=True)
class Schedule:
    today: dt.date
    due: tuple[Due, ...]
    within: int
    """Files with a retention period that are not past it."""
    undefined: tuple[str, ...] = field(default=())
    """Declared assets without any retention period."""


def period(asset: Asset, plan: Plan) -> tuple[int, str] | None:
    if asset.retention_days is not None:
        return asset.retention_days, "asset"
    by_class = plan.policy.retention.days_by_classification
    if asset.classification and asset.classification in by_class:
        return by_class[asset.classification], f"classification:{asset.classification}"
    return None


def kek_ids_of(path: Path) -> tuple[str, ...]:
    """Every key version a file's valid key slots name (empty when unreadable)."""
    from secplan.crypto.files import read_info

    try:
        info = read_info(path)
    except SecplanError:
        return ()
    return tuple(sorted({s.kek_id for s in info.slots if s is not None}))


def members(asset: Asset, files: list[ProjectFile]) -> list[ProjectFile]:
    rel = asset.path.strip("/")
    return [f for f in files if f.path == rel or f.path.startswith(rel + "/") or f.path == rel + ".enc"]


def schedule(root: Path, plan: Plan, today: dt.date, files: list[ProjectFile] | None = None) -> Schedule:
    files = files if files is not None else discover(root, plan.exclude)
    due: list[Due] = []
    seen: set[str] = set()
    within = 0
    undefined: list[str] = []
    for asset in plan.assets:
        rule = period(asset, plan)
        if rule is None:
            undefined.append(asset.path)
            continue
        days, basis = rule
        for f in members(asset, files):
            if f.path in seen:
                continue
            seen.add(f.path)
            full = root / f.path
            try:
                modified = dt.datetime.fromtimestamp(full.stat().st_mtime, dt.UTC).date()
            except OSError:
                continue
            age = (today - modified).days
            if age <= days:
                within += 1
                continue
            due.append(Due(f.path, asset.path, days, basis, modified, age, f.size, f.encrypted,
                           kek_ids_of(full) if f.encrypted else ()))
    return Schedule(today, tuple(due), within, tuple(undefined))
