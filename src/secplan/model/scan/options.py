"""The bounds and policy one scan runs under."""

from __future__ import annotations

from dataclasses import dataclass, field

from secplan.model.scan.pickle_vm import Limits
from secplan.model.scan.policy import DEFAULT_POLICY, Policy


@dataclass(frozen=True)
class ScanOptions:
    policy: Policy = DEFAULT_POLICY
    limits: Limits = field(default_factory=Limits)
    max_depth: int = 6
    """Containers nested deeper than this are not opened (suspicious)."""
    max_decompressed: int = 8 << 30
    """Bytes one compressed stream may inflate to."""
    max_ratio: int = 1000
    """Compression ratio beyond which a stream larger than 64 MiB is treated as a bomb."""
    max_members: int = 100_000
    crc_check_max: int = 256 << 20
    """Zip members up to this size get their CRC verified."""
