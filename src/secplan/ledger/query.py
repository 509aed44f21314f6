"""Looking entries up for people (``secplan audit log``): filters run in the database, on indexed columns."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from secplan.errors import InputError
from secplan.ledger.entry import Entry, format_timestamp
from secplan.ledger.reading import ENTRY_COLUMNS
from secplan.ledger.records import ENTRIES
from secplan.store.db import Store


def parse_since(value: str) -> str:
    """A date (``2026-05-01``) or ISO date-time (naive means UTC) as the ledger's timestamp text."""
    try:
        moment = dt.datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        raise InputError(f"--since {value!r} is not a date (YYYY-MM-DD) or ISO 8601 date-time") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return format_timestamp(moment)


def find(
    store: Store,
    *,
    since: str | None = None,
    actor: str | None = None,
    action: str | None = None,
    limit: int | None = None,
) -> list[Entry]:
    """Entries at or after ``since`` (ledger timestamp text), by ``actor``, whose action starts with
    ``action``; the newest ``limit`` of them, oldest first."""
    query = select(*ENTRY_COLUMNS)
    if since:
        query = query.where(ENTRIES.c.ts >= since)
    if actor:
        query = query.where(ENTRIES.c.actor == actor)
    if action:
        query = query.where(ENTRIES.c.action.startswith(action, autoescape=True))
    query = query.order_by(ENTRIES.c.seq.desc())
    if limit:
        query = query.limit(limit)
    with store.engine.connect() as conn:
        rows = conn.execute(query).all()
    return [Entry(*row) for row in reversed(rows)]


def about(store: Store, objects: list[str], actions: list[str]) -> list[Entry]:
    """Entries with one of ``actions`` (indexed) on one of ``objects``, in seq order: the record of
    what happened to a few named things (a model version, its approvals, its incidents)."""
    if not objects or not actions:
        return []
    query = (select(*ENTRY_COLUMNS).where(ENTRIES.c.action.in_(actions), ENTRIES.c.object.in_(objects))
             .order_by(ENTRIES.c.seq))
    with store.engine.connect() as conn:
        return [Entry(*row) for row in conn.execute(query)]
