"""Store table of the platform engine: when each vulnerability was first seen and when it went away.
First-seen dates turn a scan into patch management (PS-2): days exposed, SLA due dates, MTTR."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from secplan.store.base import Base, UTCDateTime


class VulnerabilityRecord(Base):
    __tablename__ = "platform_vulnerabilities"
    __table_args__ = (UniqueConstraint("project_id", "package", "advisory", name="uq_platform_vuln_key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    project_id: Mapped[str] = mapped_column(String(36), index=True)
    """See :mod:`secplan.projects` (one store may serve several projects on PostgreSQL)."""
    package: Mapped[str] = mapped_column(String(200))
    advisory: Mapped[str] = mapped_column(String(100))
    """The primary advisory id of the merged finding (its first id in sorted order)."""
    version: Mapped[str] = mapped_column(String(100))
    severity: Mapped[str] = mapped_column(String(20))
    path: Mapped[str] = mapped_column(String(500))
    first_seen: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    last_seen: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    remediated_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime(), nullable=True)
