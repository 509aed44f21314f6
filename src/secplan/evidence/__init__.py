"""The evidence bundle of one model version, for an auditor who verifies it offline (MS-1, MS-6,
HS-4, CS-4): its signature and registered digests, lineage, scan, evaluations and attestations, the
approvals of its promotions, what the gateway served, the incidents that touched it, and for each
event its ledger entry with an inclusion proof against a signed checkpoint. See docs/evidence.md.
"""

from secplan.evidence.verify import Pin, Report, read_key_file, verify_file, verify_members
from secplan.evidence.write import build, export, export_bytes

__all__ = ["Pin", "Report", "build", "export", "export_bytes", "read_key_file", "verify_file", "verify_members"]
