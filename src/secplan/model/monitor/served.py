"""Which model versions gateways serve, with their guards, as the gateway reports them."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from secplan.model.monitor.records import ServedRow
from secplan.projects import project_of
from secplan.store.base import utcnow

if TYPE_CHECKING:
    from secplan.store.db import Store


def started(store: Store, *, model: str, requested: str, digest: str, host: str, port: int, auth: bool,
            tls: bool, validation: str, monitoring: bool) -> int:
    """Record a gateway start (and ledger it); returns the row id the gateway reports status to."""
    from secplan.ledger import record

    with store.session() as session:
        row = ServedRow(project_id=project_of(store).id, model=model, requested=requested, digest=digest, host=host,
                        port=port, auth=auth, tls=tls, validation=validation, monitoring=monitoring, status={})
        session.add(row)
        session.flush()
        row_id = row.id
    record(store, action="model.serve", obj=f"model:{model}",
           details={"requested": requested, "digest": digest, "host": host, "port": port, "auth": auth, "tls": tls,
                    "validation": validation, "monitoring": monitoring})
    return row_id


def report(store: Store, row_id: int, status: dict[str, Any], *, stopped: bool = False) -> None:
    with store.session() as session:
        row = session.get(ServedRow, row_id)
        if row is None:
            return
        row.status, row.last_seen = status, utcnow()
        if stopped:
            row.stopped_at = utcnow()


def served(store: Store, *, running_only: bool = False) -> list[dict[str, Any]]:
    """Gateway runs, newest first."""
    with store.session() as session:
        query = select(ServedRow).where(ServedRow.project_id == project_of(store).id)
        if running_only:
            query = query.where(ServedRow.stopped_at.is_(None))
        return [{"id": r.id, "model": r.model, "requested": r.requested, "digest": r.digest, "host": r.host,
                 "port": r.port, "auth": r.auth, "tls": r.tls, "validation": r.validation, "monitoring": r.monitoring,
                 "started_at": r.started_at.isoformat(), "last_seen": r.last_seen.isoformat(),
                 "stopped_at": r.stopped_at.isoformat() if r.stopped_at else None, "status": r.status}
                for r in session.scalars(query.order_by(ServedRow.id.desc()))]
