"""Store tables of the backup engine: each repository's wrapped password, and every run's outcome.

Runs are what DS-5 is judged on (last verified backup, last successful drill), so each one is kept,
failures included, with its duration and a JSON summary (never a password)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Float, Integer, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from secplan.store.base import Base, UTCDateTime


class BackupRepositoryRow(Base):
    __tablename__ = "backup_repositories"
    __table_args__ = (UniqueConstraint("project_id", "repository", name="uq_backup_repository"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    project_id: Mapped[str] = mapped_column(String(36), index=True)
    repository: Mapped[str] = mapped_column(String(1000))
    kek_id: Mapped[str] = mapped_column(String(100))
    """The key version (``backup@vN``) that wraps the repository password."""
    wrapped_password: Mapped[bytes] = mapped_column(LargeBinary)
    created: Mapped[dt.datetime] = mapped_column(UTCDateTime())


class BackupRunRow(Base):
    __tablename__ = "backup_runs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    project_id: Mapped[str] = mapped_column(String(36), index=True)
    repository: Mapped[str] = mapped_column(String(1000))
    kind: Mapped[str] = mapped_column(String(20), index=True)
    """``init``, ``create``, ``verify``, ``restore``, ``drill`` or ``forget``."""
    outcome: Mapped[str] = mapped_column(String(16))
    """``success`` or ``failure`` (the ledger's outcome words)."""
    snapshot: Mapped[str | None] = mapped_column(String(100), nullable=True)
    started: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    duration_s: Mapped[float] = mapped_column(Float)
    details: Mapped[str] = mapped_column(Text)
    """JSON: counts, the first problems found; no secrets."""
