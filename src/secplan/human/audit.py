"""One door to the audit ledger for the governance engine (grants, revocations, denials, records)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from secplan.store.db import Store


def audit(store: Store, action: str, obj: str, details: dict[str, Any] | None = None, *,
          outcome: str = "success", actor: str | None = None) -> int:
    """Write one ledger entry. Details never hold secrets (tokens, hashes, check contents)."""
    from secplan.ledger import record

    return record(store, action=action, obj=obj, details=details, outcome=outcome, actor=actor)
