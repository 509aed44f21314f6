"""The platform engine's evidence: the project scanned by every platform scanner (``platform_scan``)
and its open vulnerabilities against the plan's patch SLA (``platform_patches``)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from secplan.assess.interface import EvidenceKey

if TYPE_CHECKING:
    from secplan.platform.findings import Finding
    from secplan.platform.manifests import Dependency
    from secplan.platform.osv.index import DatabaseInfo
    from secplan.platform.patches import Exposure


@dataclass(frozen=True)
class PlatformScan:
    """What ``secplan platform scan`` would report for the project (configuration, secrets, OSV)."""

    findings: list[Finding] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    files: int = 0
    """Files scanned."""
    dependencies: list[Dependency] = field(default_factory=list)
    database: DatabaseInfo | None = None
    """The advisory database the dependencies were matched against (None when none was needed)."""


@dataclass(frozen=True)
class PatchEvidence:
    available: bool
    """False without a store: no first-seen dates to judge an SLA by."""
    exposures: tuple[Exposure, ...] = ()


PLATFORM_SCAN: EvidenceKey[PlatformScan] = EvidenceKey(
    "platform_scan", PlatformScan, "the platform scan (`secplan platform scan`)")
PLATFORM_PATCHES: EvidenceKey[PatchEvidence] = EvidenceKey(
    "platform_patches", PatchEvidence, "recorded vulnerabilities with first-seen dates (`secplan platform scan --store`)")
