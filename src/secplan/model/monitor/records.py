"""The monitor's records: the models a gateway serves (and how it is guarded) and the alerts raised."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, Boolean, Float, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from secplan.store.base import Base, utcnow


class ServedRow(Base):
    """One gateway run of one model version: its guards at start and its latest status."""

    __tablename__ = "monitor_served"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    project_id: Mapped[str] = mapped_column(String(36), index=True)
    model: Mapped[str] = mapped_column(String(300))
    """``NAME@VERSION`` actually served."""
    requested: Mapped[str] = mapped_column(String(300))
    """What ``secplan serve`` was given (``NAME@STAGE`` or ``NAME@VERSION``)."""
    digest: Mapped[str] = mapped_column(String(71))
    host: Mapped[str] = mapped_column(String(200))
    port: Mapped[int] = mapped_column(Integer)
    auth: Mapped[bool] = mapped_column(Boolean)
    tls: Mapped[bool] = mapped_column(Boolean)
    validation: Mapped[str] = mapped_column(String(20))
    """``reject``, ``flag`` or ``off``."""
    monitoring: Mapped[bool] = mapped_column(Boolean)
    started_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    last_seen: Mapped[dt.datetime] = mapped_column(default=utcnow)
    stopped_at: Mapped[dt.datetime | None] = mapped_column(nullable=True)
    status: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    """The monitor's latest numbers (requests, out-of-distribution rows, last window's drift)."""


class AlertRow(Base):
    """An alert: one detection key (kind, model, client, feature) while it stays open."""

    __tablename__ = "monitor_alerts"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    project_id: Mapped[str] = mapped_column(String(36), index=True)
    kind: Mapped[str] = mapped_column(String(40))
    model: Mapped[str] = mapped_column(String(300))
    client: Mapped[str | None] = mapped_column(String(200), nullable=True)
    feature: Mapped[str | None] = mapped_column(String(300), nullable=True)
    score: Mapped[float] = mapped_column(Float)
    threshold: Mapped[float] = mapped_column(Float)
    message: Mapped[str] = mapped_column(String(1000))
    window: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    atlas: Mapped[list[str]] = mapped_column(JSON, default=list)
    count: Mapped[int] = mapped_column(Integer, default=1)
    """Detections folded into this alert (a continuing attack updates it)."""
    incident: Mapped[int | None] = mapped_column(Integer, nullable=True)
    opened_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    acknowledged_by: Mapped[str | None] = mapped_column(String(200), nullable=True)
    acknowledged_at: Mapped[dt.datetime | None] = mapped_column(nullable=True)
    resolved_at: Mapped[dt.datetime | None] = mapped_column(nullable=True)

    __table_args__ = (Index("ix_monitor_alerts_key", "project_id", "kind", "model"),)
