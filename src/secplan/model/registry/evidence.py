"""The ``model_registry`` evidence: registered versions, the artifacts they cover, and whether they verify."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from secplan.assess.interface import EvidenceKey


@dataclass(frozen=True)
class ArtifactStatus:
    """One model artifact of the project and the registered version that covers it, if any."""

    path: str
    version: str | None = None
    """``NAME@VERSION`` of the newest registered version whose files include this artifact."""
    matches: bool = False
    """The artifact's digest equals the one registered."""
    signed: bool = False
    verified: bool = False
    problems: tuple[str, ...] = ()


@dataclass(frozen=True)
class RegistryEvidence:
    artifacts: list[ArtifactStatus] = field(default_factory=list)
    versions: list[dict[str, Any]] = field(default_factory=list)
    """Every version: summary, lineage datasets, verification problems, card completeness."""
    production: list[dict[str, Any]] = field(default_factory=list)
    """Versions a ``production`` stage points at, with their promotion's gates."""


MODEL_REGISTRY: EvidenceKey[RegistryEvidence] = EvidenceKey(
    "model_registry", RegistryEvidence, "the model registry's versions and signatures (`secplan model register`)")
