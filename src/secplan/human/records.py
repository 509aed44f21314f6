"""Store tables of the governance engine: people, training, incidents, approvals (accounts, grants and
tokens are the access layer's, in :mod:`secplan.access.records`).

Only status and dates are kept for people (never the contents of a background check), and tokens
are stored as Argon2 hashes; the clear token is shown once and never stored.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, Boolean, Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from secplan.access.records import CustomRole, Grant, Token, User
from secplan.store.base import Base, utcnow

__all__ = ["CustomRole", "Grant", "Token", "User"]  # owned by secplan.access; kept importable here


class Person(Base):
    __tablename__ = "gov_people"
    __table_args__ = (UniqueConstraint("project_id", "name"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    project_id: Mapped[str] = mapped_column(String(36), index=True)
    name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(200), default="")
    email: Mapped[str | None] = mapped_column(String(320), nullable=True)
    assets: Mapped[list[str]] = mapped_column(JSON, default=list)
    screening_status: Mapped[str] = mapped_column(String(20), default="not_started")
    screening_date: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    screening_level: Mapped[str | None] = mapped_column(String(20), nullable=True)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class Training(Base):
    __tablename__ = "gov_trainings"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("gov_people.id", ondelete="CASCADE"), index=True)
    course: Mapped[str] = mapped_column(String(200))
    completed: Mapped[dt.date] = mapped_column(Date)
    expires: Mapped[dt.date | None] = mapped_column(Date, nullable=True)


class Incident(Base):
    __tablename__ = "gov_incidents"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    project_id: Mapped[str] = mapped_column(String(36), index=True)
    title: Mapped[str] = mapped_column(String(300))
    type: Mapped[str] = mapped_column(String(60))
    severity: Mapped[str] = mapped_column(String(20))
    phase: Mapped[str] = mapped_column(String(20), default="detect")
    closed: Mapped[bool] = mapped_column(Boolean, default=False)
    drill: Mapped[bool] = mapped_column(Boolean, default=False)
    owner: Mapped[str | None] = mapped_column(String(200), nullable=True)
    assets: Mapped[list[str]] = mapped_column(JSON, default=list)
    atlas: Mapped[list[str]] = mapped_column(JSON, default=list)
    finding: Mapped[str | None] = mapped_column(String(200), nullable=True)
    serious: Mapped[str | None] = mapped_column(String(20), nullable=True)
    """EU AI Act Art. 73 category: null (not a serious incident), serious, death, widespread."""
    aware_at: Mapped[dt.datetime] = mapped_column()
    reported_at: Mapped[dt.datetime | None] = mapped_column(nullable=True)
    opened_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    closed_at: Mapped[dt.datetime | None] = mapped_column(nullable=True)
    steps: Mapped[list[Any]] = mapped_column(JSON, default=list)
    """Playbook steps: ``{"phase", "text", "done_at", "done_by"}``."""


class IncidentEvent(Base):
    __tablename__ = "gov_incident_events"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("gov_incidents.id", ondelete="CASCADE"), index=True)
    at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    actor: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(40))
    text: Mapped[str] = mapped_column(Text, default="")


class ApprovalRequest(Base):
    __tablename__ = "gov_approvals"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    project_id: Mapped[str] = mapped_column(String(36), index=True)
    action: Mapped[str] = mapped_column(String(100))
    target: Mapped[str] = mapped_column(String(500))
    reason: Mapped[str] = mapped_column(Text, default="")
    requester: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    state: Mapped[str] = mapped_column(String(20), default="pending")
    decided_by: Mapped[str | None] = mapped_column(String(200), nullable=True)
    decided_at: Mapped[dt.datetime | None] = mapped_column(nullable=True)
    used_at: Mapped[dt.datetime | None] = mapped_column(nullable=True)
