"""The ``monitoring`` evidence: which model versions are served, and whether they are guarded and watched.

Kept free of the gateway's dependencies so that probes can declare it either way; the monitoring
engine's ``collect`` module registers the collector that fills it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from secplan.assess.interface import EvidenceKey


@dataclass(frozen=True)
class Monitor:
    """One served model version as the gateway last reported it."""

    model: str
    """``NAME@VERSION`` of the served version."""
    digest: str
    """The digest of the artifact actually served."""
    validation: bool
    """Input and output validation is on."""
    monitoring: bool
    """The drift, out-of-distribution and query-pattern detectors are on."""
    open_alerts: int = 0
    """Alerts raised and not yet resolved."""
    last_seen: dt.datetime | None = None
    requested: str = ""
    """What the gateway was started with (``NAME@STAGE`` or ``NAME@VERSION``)."""
    host: str = "127.0.0.1"
    auth: bool = True
    """Bearer tokens are required."""
    tls: bool = False
    running: bool = True
    """Not stopped, and reported within the last few minutes."""
    production_digest: str | None = None
    """Digest of the version the model's ``production`` stage points at, when it has one."""
    unacknowledged_alerts: int = 0
    """Open alerts nobody has acknowledged."""


@dataclass(frozen=True)
class AlertRecord:
    """One alert, as HS-5 judges it: did it become an incident with an owner?"""

    id: str
    kind: str
    model: str
    client: str | None
    incident: int | None
    incident_owner: str | None
    resolved: bool


@dataclass(frozen=True)
class Monitoring:
    monitors: tuple[Monitor, ...] = ()
    alerts: tuple[AlertRecord, ...] = ()


MONITORING: EvidenceKey[Monitoring] = EvidenceKey(
    "monitoring", Monitoring, "the gateway's monitoring records (`secplan serve`, `secplan monitor`)")
