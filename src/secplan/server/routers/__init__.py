"""One router per resource; ``ALL`` is what the app mounts, in this order."""

from __future__ import annotations

from fastapi import APIRouter


def all_routers() -> list[APIRouter]:
    from secplan.server.routers import (
        approvals,
        assessments,
        attestations,
        audit,
        controls,
        findings,
        incidents,
        keys,
        login,
        models,
        people,
        projects,
        vendors,
    )

    return [projects.router, controls.router, assessments.router, findings.router, models.router,
            approvals.router, incidents.router, people.router, vendors.router, attestations.router,
            keys.router, audit.router, login.router]
