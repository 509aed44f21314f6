"""The platform engine's evidence for the assessment, and the helper its probes share.

:data:`~secplan.platform.evidence.PLATFORM_SCAN` scans the project with every scanner (offline: ``$SECPLAN_OSV_DB``, the index from
``secplan db import``, or the bundled fixture) and, when the project has a store, records
vulnerabilities for patch tracking. :data:`~secplan.platform.evidence.PLATFORM_PATCHES` reads those records against the plan's SLA.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from secplan.assess.evidence import Evidence, collector
from secplan.assess.interface import Location, Result, negative
from secplan.platform.evidence import PLATFORM_PATCHES, PLATFORM_SCAN, PatchEvidence, PlatformScan
from secplan.platform.findings import RULES
from secplan.platform.patches import exposures, record_scan
from secplan.platform.scan import scan_project
from secplan.projects import project_of


@collector(PLATFORM_SCAN)
def collect_scan(ev: Evidence) -> PlatformScan:
    result = scan_project(ev.root, exclude=list(ev.plan.exclude))
    if ev.has_store:
        record_scan(ev.store, project_of(ev.store).id, result.findings, now=_now(ev))
    return PlatformScan(result.findings, result.warnings, result.files, result.dependencies, result.database)


@collector(PLATFORM_PATCHES)
def collect_patches(ev: Evidence) -> PatchEvidence:
    """Not available when there is no store (so no first-seen dates) to judge by."""
    ev.get(PLATFORM_SCAN)  # records this run's findings first
    if not ev.has_store:
        return PatchEvidence(available=False)
    return PatchEvidence(True, tuple(exposures(ev.store, project_of(ev.store).id,
                                               dict(ev.plan.policy.patch.sla_days), now=_now(ev))))


def _now(ev: Evidence) -> dt.datetime:
    now = dt.datetime.now(dt.UTC)
    return now if ev.today == now.date() else dt.datetime.combine(ev.today, dt.time(12), dt.UTC)


def findings_as_results(ev: Evidence, probe_id: str, rules: set[str] | None = None) -> Iterator[Result]:
    """Negative results for the scan's findings that belong to ``probe_id`` (optionally only ``rules``)."""
    scan = ev.get(PLATFORM_SCAN)
    for f in scan.findings:
        if RULES[f.rule].probe != probe_id or (rules is not None and f.rule not in rules):
            continue
        subject = f.fingerprint or (f"{f.package}:{f.advisories[0]}" if f.advisories else f.message)
        member = f"{f.member}, line {f.cell_line}" if f.member and f.cell_line else f.member
        yield negative(f"{f.message} ({f.rule})", Location(f.path, f.line, member), severity=f.severity,
                       remediation=f.fix,
                       key=f"{f.rule}|{f.path}|{f.member or ''}|{subject}",
                       details={"rule": f.rule, "remediation": f.fix,
                                **({"package": f.package, "version": f.version} if f.package else {}),
                                **({"advisories": list(f.advisories), "fixed": f.extra.get("fixed", []),
                                    "upgrade_to": f.extra.get("upgrade_to")} if f.advisories else {})})


def rule_probe(ev: Evidence, probe_id: str, applies_to: list[str], what: str) -> Iterator[Result]:
    """The shape of most platform probes: findings as negatives; otherwise a positive naming what was
    checked, or not applicable when the project has none of the files (``applies_to``: suffixes/prefixes)."""
    from secplan.assess.interface import not_applicable, positive

    found = list(findings_as_results(ev, probe_id))
    yield from found
    if found:
        return
    checked = [f.path for f in ev.files if _matches(f.path, applies_to)]
    if checked:
        yield positive(f"{len(checked)} {what} checked, no issue found")
    else:
        yield not_applicable(f"no {what} in the project")


def _matches(path: str, patterns: list[str]) -> bool:
    name = path.rsplit("/", 1)[-1].lower()
    return any(name.endswith(p) if p.startswith(".") else name.startswith(p) for p in patterns)


INFRA = ["dockerfile", ".dockerfile", ".yml", ".yaml", ".tf", ".sh", ".py", ".ipynb", "makefile", "procfile",
         "config.properties", "jupyter_"]
