"""The audit ledger (CS-4): an append-only, tamper-evident record of every state-changing action.

Entries are hash-chained and leaves of an RFC 6962 Merkle tree; every append writes a checkpoint
(tree size, root, time) signed with an Ed25519 key kept outside the database. See docs/ledger.md.
"""

from secplan.ledger.append import record, record_many
from secplan.ledger.entry import Action, ActionOutcome, Entry
from secplan.ledger.export import export
from secplan.ledger.proof import InclusionProof, inclusion_proof, verify_proof
from secplan.ledger.verify import VerifyReport, verify

__all__ = [
    "Action",
    "ActionOutcome",
    "Entry",
    "InclusionProof",
    "VerifyReport",
    "export",
    "inclusion_proof",
    "record",
    "record_many",
    "verify",
    "verify_proof",
]
