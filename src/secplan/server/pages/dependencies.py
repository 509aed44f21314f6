"""Dependency findings grouped by package: one row per package and project, with the one version
that fixes every advisory open against it (the highest of each advisory's first fix above the
pinned version), or none when an advisory has no fix yet."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from secplan.projects import Project
from secplan.store.db import Store

PROBE = "vulnerable-dependency"


@dataclass
class PackageGroup:
    project: str
    package: str
    version: str | None
    path: str | None
    findings: list[dict[str, Any]] = field(default_factory=list)
    fix: str | None = None
    """The version that fixes them all; None when some advisory has no fixed version."""
    worst: str = "info"


def _key(version: str) -> tuple:
    from secplan.platform.osv.ranges import parse_version

    parsed = parse_version(version)
    return (parsed is not None, parsed or parse_version("0"), version)


def one_fix(fixes: Sequence[Sequence[str]]) -> str | None:
    """The lowest version at or above every advisory's first fix; None if one has no fix."""
    firsts = []
    for versions in fixes:
        if not versions:
            return None
        firsts.append(min(versions, key=_key))
    return max(firsts, key=_key) if firsts else None


def groups(store: Store, projects: Sequence[Project], severities: Sequence[str] = (),
           state: str | None = "open", branch: str | None = None) -> list[PackageGroup]:
    """The current assessments' dependency findings of ``projects``, by (project, package), worst first."""
    from secplan.server.queries.assessments import get
    from secplan.server.queries.latest import latest_ids
    from secplan.vocabulary import Severity

    rank = {s.value: s.rank for s in Severity}
    names = {p.id: p.name for p in projects}
    found: dict[tuple[str, str], PackageGroup] = {}
    for project_id, assessment_id in latest_ids(store, list(names), branch).items():
        stored = get(store, assessment_id)
        if stored is None:
            continue
        for control in stored[1].get("controls", []):
            for f in control.get("findings", []):
                details = f.get("details") or {}
                if f.get("probe") != PROBE or f.get("outcome") != "negative" or not details.get("package"):
                    continue
                if (state and f.get("state") != state) or (severities and f.get("severity") not in severities):
                    continue
                location = f.get("location") or {}
                group = found.setdefault((names[project_id], details["package"]), PackageGroup(
                    names[project_id], details["package"], details.get("version"), location.get("path")))
                group.findings.append(f)
                if rank.get(f.get("severity", "info"), 0) > rank.get(group.worst, 0):
                    group.worst = f["severity"]
    for group in found.values():
        exact = {(f.get("details") or {}).get("upgrade_to") for f in group.findings}
        # The engine's own answer (checked against every advisory's ranges) when it gave one.
        group.fix = exact.pop() if len(exact) == 1 and None not in exact else \
            one_fix([(f.get("details") or {}).get("fixed") or [] for f in group.findings])
    return sorted(found.values(), key=lambda g: (-rank.get(g.worst, 0), -len(g.findings), g.project, g.package))
