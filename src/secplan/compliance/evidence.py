"""The ``compliance_records`` evidence: the vendor register and the signed attestations from the store."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from secplan.assess.interface import EvidenceKey


@dataclass(frozen=True)
class ComplianceRecords:
    available: bool
    """False when the project has no store yet."""
    vendors: list[dict[str, Any]] = field(default_factory=list)
    attestations: list[dict[str, Any]] = field(default_factory=list)
    """Every attestation with its state on the assessment's day (current, expired, invalid)."""


COMPLIANCE_RECORDS: EvidenceKey[ComplianceRecords] = EvidenceKey(
    "compliance_records", ComplianceRecords, "vendor and attestation records in the store (`secplan vendor`, `secplan attest`)")
