"""The ``retention`` evidence: the retention schedule and the deletions the audit ledger evidences."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from secplan.assess.interface import EvidenceKey

if TYPE_CHECKING:
    from secplan.compliance.retention.schedule import Schedule


@dataclass(frozen=True)
class RetentionEvidence:
    schedule: Schedule
    deletions: int
    """Successful ``retention.delete`` entries in the audit ledger."""
    shreds: int


RETENTION: EvidenceKey[RetentionEvidence] = EvidenceKey(
    "retention", RetentionEvidence, "the retention schedule and recorded deletions (`secplan retention`)")
