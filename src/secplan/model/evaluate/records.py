"""The evaluation table: one row per run, bound to the exact digest of the version it evaluated."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Boolean, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from secplan.store.base import Base, utcnow


class EvaluationRow(Base):
    __tablename__ = "model_evaluations"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    project_id: Mapped[str] = mapped_column(String(36), index=True)
    name: Mapped[str] = mapped_column(String(200))
    version: Mapped[str] = mapped_column(String(100))
    digest: Mapped[str] = mapped_column(String(71))
    """``sha256:<root digest>`` of the version evaluated; another digest's results never count."""
    suites: Mapped[str] = mapped_column(String(200))
    """The suites that ran, comma-separated (filterable without reading the document)."""
    passed: Mapped[bool | None] = mapped_column(Boolean, nullable=True)
    result: Mapped[str] = mapped_column(Text)
    """The whole result document (JSON), as ``--format json`` prints it."""
    attestation: Mapped[str | None] = mapped_column(Text, nullable=True)
    """A Sigstore bundle of the in-toto statement over the result, by the model's signing key."""
    signing_key: Mapped[str | None] = mapped_column(String(100), nullable=True)
    created: Mapped[dt.datetime] = mapped_column(default=utcnow)
    created_by: Mapped[str] = mapped_column(String(200))

    __table_args__ = (Index("ix_model_evaluations_version", "project_id", "name", "version"),)
