"""The audit ledger (CS-4): an append-only, tamper-evident record of every state-changing action.

Entries are hash-chained and leaves of an RFC 6962 Merkle tree whose interior hashes are stored as
C2SP tlog-tiles; every append writes a checkpoint (a C2SP signed note: origin, size, root) signed by
the ledger's key, which is kept outside the database. See docs/ledger.md.
"""

from secplan.ledger.append import record, record_many
from secplan.ledger.entry import Action, ActionOutcome, Entry
from secplan.ledger.export import export
from secplan.ledger.proof import (
    ConsistencyProof,
    InclusionProof,
    consistency_proof,
    inclusion_proof,
    verify_consistency_proof,
    verify_proof,
)
from secplan.ledger.verify import VerifyReport, verify

__all__ = [
    "Action",
    "ActionOutcome",
    "ConsistencyProof",
    "Entry",
    "InclusionProof",
    "VerifyReport",
    "consistency_proof",
    "export",
    "inclusion_proof",
    "record",
    "record_many",
    "verify",
    "verify_consistency_proof",
    "verify_proof",
]
