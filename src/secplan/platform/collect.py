"""The platform engine's evidence for the assessment, and the helper its probes share.

``platform_scan`` scans the project with every scanner (offline: ``$SECPLAN_OSV_DB``, the index from
``secplan db import``, or the bundled fixture) and, when the project has a store, records
vulnerabilities for patch tracking. ``platform_patches`` reads those records against the plan's SLA.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from secplan.assess.evidence import Evidence, collector
from secplan.assess.interface import Location, Result, negative
from secplan.platform.findings import RULES
from secplan.platform.patches import Exposure, exposures, record_scan
from secplan.platform.scan import ScanResult, scan_project


@collector("platform_scan")
def collect_scan(ev: Evidence) -> ScanResult:
    result = scan_project(ev.root, exclude=list(ev.plan.exclude))
    if ev.has_store:
        record_scan(ev.store, f"plan:{ev.plan.project.name}", result.findings, now=_now(ev))
    return result


@collector("platform_patches")
def collect_patches(ev: Evidence) -> list[Exposure] | None:
    """None when there is no store (so no first-seen dates) to judge by."""
    ev.get("platform_scan")
    if not ev.has_store:
        return None
    return exposures(ev.store, f"plan:{ev.plan.project.name}", dict(ev.plan.policy.patch.sla_days), now=_now(ev))


def _now(ev: Evidence) -> dt.datetime:
    now = dt.datetime.now(dt.UTC)
    return now if ev.today == now.date() else dt.datetime.combine(ev.today, dt.time(12), dt.UTC)


def findings_as_results(ev: Evidence, probe_id: str, rules: set[str] | None = None) -> Iterator[Result]:
    """Negative results for the scan's findings that belong to ``probe_id`` (optionally only ``rules``)."""
    scan: ScanResult = ev.get("platform_scan")
    for f in scan.findings:
        if RULES[f.rule].probe != probe_id or (rules is not None and f.rule not in rules):
            continue
        subject = f.fingerprint or (f"{f.package}:{f.advisories[0]}" if f.advisories else f.message)
        yield negative(f"{f.message} ({f.rule})", Location(f.path, f.line, f.member), severity=f.severity,
                       key=f"{f.rule}|{f.path}|{f.member or ''}|{subject}",
                       details={"rule": f.rule, "remediation": RULES[f.rule].remediation,
                                **({"advisories": list(f.advisories)} if f.advisories else {})})


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
