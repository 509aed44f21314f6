"""Store table of the share engine: one row per package sent to a third party (DS-8)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import BigInteger, Date, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from secplan.store.base import Base, UTCDateTime


class ShareRow(Base):
    __tablename__ = "shares"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    """The share id written into the signed manifest."""
    project_id: Mapped[str] = mapped_column(String(36), index=True)
    file: Mapped[str] = mapped_column(String(1000))
    sha256: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(BigInteger)
    recipient: Mapped[str] = mapped_column(String(200))
    """The recipient's age public key (``age1...``)."""
    agreement: Mapped[str | None] = mapped_column(String(500), nullable=True)
    expires: Mapped[dt.date] = mapped_column(Date)
    sender: Mapped[str] = mapped_column(String(200))
    signing_key: Mapped[str] = mapped_column(String(100))
    package: Mapped[str] = mapped_column(String(1000))
    created: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    revoked_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    revoke_reason: Mapped[str | None] = mapped_column(Text, nullable=True)
