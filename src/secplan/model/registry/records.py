"""Registry tables: model versions (digests, lineage, scan, signatures), promotions, dataset versions.

Documents (file digests, lineage, scan summary, bundles) are JSON text so that SQLite and
PostgreSQL store them alike; the columns people filter on are real columns.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import BigInteger, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from secplan.store.base import Base, utcnow


class ModelVersionRow(Base):
    __tablename__ = "registry_model_versions"
    __table_args__ = (UniqueConstraint("project_id", "name", "version", name="uq_registry_model_version"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    project_id: Mapped[str] = mapped_column(String(36), index=True)
    name: Mapped[str] = mapped_column(String(200))
    version: Mapped[str] = mapped_column(String(100))
    seq: Mapped[int] = mapped_column(Integer)
    """Registration order within the name (1, 2, 3, ...): orders versions with custom labels."""
    path: Mapped[str] = mapped_column(String(1000))
    method: Mapped[str] = mapped_column(String(20))
    shard_size: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    files: Mapped[str] = mapped_column(Text)
    root_digest: Mapped[str] = mapped_column(String(64))
    total_size: Mapped[int] = mapped_column(BigInteger)
    lineage: Mapped[str] = mapped_column(Text)
    scan: Mapped[str] = mapped_column(Text)
    scan_verdict: Mapped[str] = mapped_column(String(20))
    card_info: Mapped[str] = mapped_column(Text, default="{}")
    created: Mapped[dt.datetime] = mapped_column(default=utcnow)
    created_by: Mapped[str] = mapped_column(String(200))
    bundle: Mapped[str | None] = mapped_column(Text, nullable=True)
    lineage_bundle: Mapped[str | None] = mapped_column(Text, nullable=True)
    signing_key: Mapped[str | None] = mapped_column(String(100), nullable=True)
    signed_at: Mapped[dt.datetime | None] = mapped_column(nullable=True)
    signed_by: Mapped[str | None] = mapped_column(String(200), nullable=True)
    card_digest: Mapped[str | None] = mapped_column(String(64), nullable=True)


class PromotionRow(Base):
    __tablename__ = "registry_promotions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    project_id: Mapped[str] = mapped_column(String(36), index=True)
    name: Mapped[str] = mapped_column(String(200))
    version: Mapped[str] = mapped_column(String(100))
    stage: Mapped[str] = mapped_column(String(100))
    promoted_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    promoted_by: Mapped[str] = mapped_column(String(200))
    gates: Mapped[str] = mapped_column(Text)
    """The gates checked and their results (JSON), so MS-6 can tell a gated promotion from another."""
    approval_id: Mapped[int | None] = mapped_column(Integer, nullable=True)


class DatasetVersionRow(Base):
    __tablename__ = "registry_dataset_versions"
    __table_args__ = (UniqueConstraint("project_id", "name", "version", name="uq_registry_dataset_version"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    project_id: Mapped[str] = mapped_column(String(36), index=True)
    name: Mapped[str] = mapped_column(String(200))
    version: Mapped[str] = mapped_column(String(100))
    seq: Mapped[int] = mapped_column(Integer)
    path: Mapped[str] = mapped_column(String(1000))
    files: Mapped[str] = mapped_column(Text)
    root_digest: Mapped[str] = mapped_column(String(64))
    total_size: Mapped[int] = mapped_column(BigInteger)
    classification: Mapped[str | None] = mapped_column(String(20), nullable=True)
    created: Mapped[dt.datetime] = mapped_column(default=utcnow)
    created_by: Mapped[str] = mapped_column(String(200))
