"""What a detector reports: one detection, before it is stored as an alert."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

AlertKind = Literal["drift", "prediction-drift", "ood", "extraction", "evasion", "budget"]
KINDS: tuple[str, ...] = ("drift", "prediction-drift", "ood", "extraction", "evasion", "budget")


@dataclass(frozen=True)
class Detection:
    kind: AlertKind
    model: str
    score: float
    threshold: float
    message: str
    client: str | None = None
    feature: str | None = None
    window: dict[str, Any] = field(default_factory=dict)
    """The evidence window: first and last request numbers, request count, the signal's name and stats."""

    @property
    def key(self) -> tuple[str, str, str | None, str | None]:
        """Detections with one key update one open alert rather than opening another."""
        return (self.kind, self.model, self.client, self.feature)
