"""The ledger's tables. Entries and checkpoints are append-only (triggers refuse UPDATE and DELETE);
tiles are derived data, rewritten at the right edge as the tree grows."""

from __future__ import annotations

from functools import cache

from sqlalchemy import BigInteger, LargeBinary, SmallInteger, String, Text
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
    note: Mapped[str | None] = mapped_column(Text, nullable=True)
    """The C2SP signed note (checkpoints written since tiles existed); NULL for a v1 signature."""


class LedgerTileRow(Base):
    """Up to 256 consecutive Merkle tree hashes at height ``8 * level`` (C2SP tlog-tiles tile ``level/idx``)."""

    __tablename__ = "ledger_tiles"

    level: Mapped[int] = mapped_column(SmallInteger, primary_key=True, autoincrement=False)
    idx: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    hashes: Mapped[bytes] = mapped_column(LargeBinary)


ENTRIES = LedgerEntryRow.__table__
CHECKPOINTS = LedgerCheckpointRow.__table__
TILES = LedgerTileRow.__table__


@cache
def for_driver(sql: str, paramstyle: str) -> str:
    """``sql`` written with ``?`` placeholders, in the database driver's own parameter style.

    The append path runs its few statements this way (rows as tuples, no compiling): SQLAlchemy's
    per-statement and per-row work cost more than the statements themselves."""
    return sql if paramstyle == "qmark" else sql.replace("?", "%s")
