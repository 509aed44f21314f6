"""The ``human_records`` evidence: people, incidents, approvals and access grants from the store."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from secplan.assess.interface import EvidenceKey


@dataclass(frozen=True)
class HumanRecords:
    available: bool
    """False when the project has no store yet: every probe reading these records then says no_evidence."""
    people: list[dict[str, Any]] = field(default_factory=list)
    incidents: list[dict[str, Any]] = field(default_factory=list)
    approvals: list[dict[str, Any]] = field(default_factory=list)
    sensitive_ledger: list[dict[str, Any]] = field(default_factory=list)
    """Successful ledger entries whose action the plan marks sensitive (two-person rule)."""
    grants: list[tuple[str, str]] = field(default_factory=list)
    """(user, role) held in this project by enabled users."""

    @property
    def real_incidents(self) -> list[dict[str, Any]]:
        return [i for i in self.incidents if not i["drill"]]

    @property
    def drills(self) -> list[dict[str, Any]]:
        return [i for i in self.incidents if i["drill"]]


HUMAN_RECORDS: EvidenceKey[HumanRecords] = EvidenceKey(
    "human_records", HumanRecords, "people, incidents, approvals and grants in the store (`secplan people`, ...)")
