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


@dataclass(frozen=True)
class Monitoring:
    monitors: tuple[Monitor, ...] = ()


MONITORING: EvidenceKey[Monitoring] = EvidenceKey(
    "monitoring", Monitoring, "the gateway's monitoring records (`secplan serve`, `secplan monitor`)")
