"""One router per resource; ``ALL`` is what the app mounts, in this order."""

from __future__ import annotations

from fastapi import APIRouter


def all_routers() -> list[APIRouter]:
    from secplan.server.routers import assessments, controls, findings, projects

    return [projects.router, controls.router, assessments.router, findings.router]
