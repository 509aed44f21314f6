"""The ``shares`` evidence: every share package the project recorded (the DS-8 probes judge them)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from secplan.assess.interface import EvidenceKey

if TYPE_CHECKING:
    from secplan.data.share.service import ShareView


@dataclass(frozen=True)
class SharesEvidence:
    shares: tuple[ShareView, ...] = ()


SHARES: EvidenceKey[SharesEvidence] = EvidenceKey(
    "shares", SharesEvidence, "recorded share packages (`secplan share create`)")
