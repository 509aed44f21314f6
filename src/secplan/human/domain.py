"""The plan of the project a store acts for (its identity is :func:`secplan.projects.project_of`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from secplan.store.db import Store


def project_plan(store: Store):
    """The project's plan, or None when the store's project has no plan file."""
    from secplan.plan.loader import load_plan, plan_path

    path = plan_path(store.home.parent)
    return load_plan(path) if path.exists() else None
