"""The ledger's tables. Both are append-only: the migration installs triggers that refuse UPDATE and DELETE."""

from __future__ import annotations

from sqlalchemy import BigInteger, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from secplan.store.base import Base


class LedgerEntryRow(Base):
    """One recorded action. ``entry_hash`` is both the chain link and the RFC 6962 leaf hash."""

    __tablename__ = "ledger_entries"

    seq: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    ts: Mapped[str] = mapped_column(String(32), index=True)
    actor: Mapped[str] = mapped_column(String(200), index=True)
    action: Mapped[str] = mapped_column(String(100), index=True)
    object: Mapped[str] = mapped_column(Text)
    details: Mapped[str] = mapped_column(Text)
    outcome: Mapped[str] = mapped_column(String(16))
    prev_hash: Mapped[str] = mapped_column(String(64))
    entry_hash: Mapped[str] = mapped_column(String(64))


class LedgerCheckpointRow(Base):
    """A signed tree head, written with every append; ``frontier`` lets the next append continue the tree."""

    __tablename__ = "ledger_checkpoints"

    tree_size: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    root_hash: Mapped[str] = mapped_column(String(64))
    ts: Mapped[str] = mapped_column(String(32))
    frontier: Mapped[str] = mapped_column(Text)
    key_id: Mapped[str] = mapped_column(String(16))
    signature: Mapped[str] = mapped_column(String(128))


ENTRIES = LedgerEntryRow.__table__
CHECKPOINTS = LedgerCheckpointRow.__table__
