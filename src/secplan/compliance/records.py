"""Store tables of the compliance engine: the vendor register and signed attestations."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, Date, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from secplan.store.base import Base, utcnow


class Vendor(Base):
    __tablename__ = "gov_vendors"
    __table_args__ = (UniqueConstraint("project_id", "name"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    project_id: Mapped[str] = mapped_column(String(36), index=True)
    name: Mapped[str] = mapped_column(String(200))
    service: Mapped[str] = mapped_column(String(300), default="")
    data: Mapped[list[Any]] = mapped_column(JSON, default=list)
    """What is shared: ``{"what", "classification"}``."""
    risk_tier: Mapped[str] = mapped_column(String(20), default="medium")
    agreement_ref: Mapped[str | None] = mapped_column(String(200), nullable=True)
    agreement_signed: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    agreement_expires: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    certifications: Mapped[list[Any]] = mapped_column(JSON, default=list)
    """``{"name", "expires"}`` (ISO dates)."""
    last_review: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class Attestation(Base):
    __tablename__ = "gov_attestations"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    project_id: Mapped[str] = mapped_column(String(36), index=True)
    control: Mapped[str] = mapped_column(String(10), index=True)
    statement: Mapped[str] = mapped_column(Text)
    evidence: Mapped[str] = mapped_column(String(1000))
    evidence_sha256: Mapped[str | None] = mapped_column(String(64), nullable=True)
    attester: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    expires: Mapped[dt.date] = mapped_column(Date)
    public_key: Mapped[str] = mapped_column(String(100))
    signature: Mapped[str] = mapped_column(String(200))
