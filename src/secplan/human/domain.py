"""The access-control domain of a store: the project's name from its plan, else its folder name."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from secplan.store.db import Store


def project_domain(store: Store) -> str:
    """Roles, tokens and records are scoped to this name, so one PostgreSQL server serves many projects."""
    from secplan.plan.loader import load_plan, plan_path

    root = store.home.parent
    path = plan_path(root)
    if path.exists():
        return load_plan(path).project.name
    return root.name


def project_plan(store: Store):
    """The project's plan, or None when the store's project has no plan file."""
    from secplan.plan.loader import load_plan, plan_path

    path = plan_path(store.home.parent)
    return load_plan(path) if path.exists() else None
