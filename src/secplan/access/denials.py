"""Denials in the ledger: one ``access.deny`` entry per refused decision, token check or rule.

Its own module because both authentication (a bad token) and authorisation (a missing permission)
record denials, and neither should import the other for it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from secplan.projects import Project
    from secplan.store.db import Store


def record_denial(store: Store, actor: str, action: str, resource: str, project: Project, reason: str,
                  roles: list[str] | None = None) -> None:
    """One ``access.deny`` ledger entry (never a token or secret: reasons name token ids at most)."""
    from secplan.ledger import record

    details: dict = {"action": action, "project_id": project.id, "project": project.name, "reason": reason}
    if roles is not None:
        details["roles"] = roles
    record(store, action="access.deny", obj=resource, details=details, outcome="denied", actor=actor)
