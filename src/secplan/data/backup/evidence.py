"""The ``backups`` evidence: the recorded verify and drill runs of the plan's backup repository."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from secplan.assess.interface import EvidenceKey


@dataclass(frozen=True)
class Run:
    kind: str
    outcome: str
    started: dt.datetime
    snapshot: str | None
    details: dict

    @property
    def snapshot_time(self) -> dt.datetime | None:
        """For a verify run: the time of the newest snapshot it verified."""
        from secplan.data.backup.engine import mtime_ns

        ns = mtime_ns(self.details.get("latest_snapshot_time") or "")
        return None if ns is None else dt.datetime.fromtimestamp(ns / 1e9, dt.UTC)


@dataclass(frozen=True)
class BackupEvidence:
    repository: str | None
    runs: tuple[Run, ...]

    def last(self, kind: str) -> Run | None:
        of_kind = [r for r in self.runs if r.kind == kind]
        return of_kind[-1] if of_kind else None

    def last_success(self, kind: str) -> Run | None:
        ok = [r for r in self.runs if r.kind == kind and r.outcome == "success"]
        return ok[-1] if ok else None


BACKUPS: EvidenceKey[BackupEvidence] = EvidenceKey(
    "backups", BackupEvidence, "recorded backup verifications and restore drills (`secplan backup`)")
