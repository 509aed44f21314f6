"""Monitoring evidence for probe cases, built as the monitoring engine's collector returns it."""

from __future__ import annotations

from typing import Any

from secplan.model.monitor.evidence import AlertRecord, Monitor, Monitoring

PROD = "sha256:" + "a" * 64
OTHER = "sha256:" + "b" * 64


def served(model: str = "credit@2", **fields: Any) -> Monitor:
    base: dict[str, Any] = {"digest": PROD, "validation": True, "monitoring": True, "production_digest": PROD}
    return Monitor(model, **{**base, **fields})


def alert(kind: str = "extraction", incident: int | None = 7, owner: str | None = "oncall@example.com",
          resolved: bool = False) -> AlertRecord:
    return AlertRecord("3f2c9e1a-0000-4000-8000-000000000001", kind, "credit@2", "mallory", incident, owner, resolved)


def monitoring(*monitors: Monitor, alerts: tuple[AlertRecord, ...] = ()) -> Monitoring:
    return Monitoring(tuple(monitors), alerts)
