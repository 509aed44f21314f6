"""Match pinned dependencies against an advisory database; one finding per package and vulnerability
(records that alias each other, such as a PYSEC and a GHSA id for one CVE, are merged), each naming
the one version of its package that fixes every advisory found for it, as pip-audit and Trivy do."""

from __future__ import annotations

from collections.abc import Iterable

from secplan.platform.findings import Finding, finding
from secplan.platform.manifests import Dependency
from secplan.platform.osv.index import AdvisoryDatabase
from secplan.platform.osv.model import Advisory, record_url
from secplan.platform.osv.ranges import is_affected, sort_key
from secplan.vocabulary import Severity

UNKNOWN_SEVERITY = Severity.MEDIUM
"""Most PyPA records carry no severity; they are reported as medium and say so."""


def affecting(db: AdvisoryDatabase, package: str, version: str) -> list[Advisory]:
    return [adv for adv in db.advisories_for(package) if affects(adv, package, version)]


def affects(advisory: Advisory, package: str, version: str) -> bool:
    return any(a.package == package and is_affected(version, a) for a in advisory.affected)


def merge_aliases(advisories: list[Advisory]) -> list[list[Advisory]]:
    """Group advisories that share an id or alias (connected components), keeping input order."""
    groups: list[tuple[set[str], list[Advisory]]] = []
    for adv in advisories:
        names = {adv.id, *adv.aliases}
        touching = [g for g in groups if g[0] & names]
        merged_names, merged = set(names), [adv]
        for g in touching:
            merged_names |= g[0]
            merged = g[1] + merged
            groups.remove(g)
        groups.append((merged_names, merged))
    return [g[1] for g in groups]


def fixing_all(package: str, version: str, advisories: list[Advisory]) -> str | None:
    """The lowest version above ``version`` that no advisory in ``advisories`` affects, among the
    versions the advisories name as fixed; None when no such version is known. Checked against every
    advisory's ranges, so a fix that another advisory's range still covers is not offered."""
    candidates = sorted({v for a in advisories for v in a.fixed_versions(package)}, key=sort_key)
    pending = list(advisories)
    for candidate in candidates:
        if sort_key(candidate) <= sort_key(version):
            continue
        # Move-to-front: the advisory that rejected the last candidate usually rejects the next, so
        # a package with hundreds of advisories costs about one check per candidate.
        blocker = next((n for n, a in enumerate(pending) if affects(a, package, candidate)), None)
        if blocker is None:
            return candidate
        pending.insert(0, pending.pop(blocker))
    return None


def _others(shown: str, ids: list[str]) -> str:
    rest = [i for i in ids if i != shown]
    return f" ({', '.join(rest)})" if rest else ""


def _remediation(name: str, version: str, upgrade_to: str | None, count: int) -> str:
    if upgrade_to:
        every = "all" if count > 1 else "the"
        return (f"Upgrade `{name}` from {version} to {upgrade_to} (`{name}=={upgrade_to}`): the lowest release that "
                f"fixes {every} {count} known advisor{'ies' if count > 1 else 'y'} for this version.")
    return (f"No release of `{name}` fixes every advisory for {version}: remove or replace the package, isolate "
            "the code path it serves, or waive the finding with an expiry date after review.")


def match(dependencies: Iterable[Dependency], db: AdvisoryDatabase) -> list[Finding]:
    findings: list[Finding] = []
    for dep in dependencies:
        if dep.version is None:
            findings.append(finding("unpinned-requirement", dep.path, dep.line,
                                    f"{dep.spec!r} is not pinned to an exact version: not checked for advisories",
                                    package=dep.name))
            continue
        found = affecting(db, dep.name, dep.version)
        groups = merge_aliases(found)
        upgrade_to = fixing_all(dep.name, dep.version, found)
        remediation = _remediation(dep.name, dep.version, upgrade_to, len(groups))
        for group in groups:
            ids = sorted({a.id for a in group})
            aliases = sorted({x for a in group for x in a.aliases} - set(ids))
            rated = [a for a in group if a.severity is not None]
            top = max(rated, key=lambda a: (a.severity.rank, a.score or 0)) if rated else None
            severity = top.severity if top else UNKNOWN_SEVERITY
            fixed = sorted({v for a in group for v in a.fixed_versions(dep.name)}, key=sort_key)
            later = [v for v in fixed if sort_key(v) > sort_key(dep.version)]
            cve = next((x for x in [*ids, *aliases] if x.startswith("CVE-")), ids[0])
            fix_text = f"fixed in {', '.join(later)}" if later else "no fixed version known"
            rating = f"CVSS {top.score}" if top and top.score is not None else (
                "severity from the advisory" if top else "no severity in the advisory: medium assumed")
            summary = next((a.summary for a in group if a.summary), "")
            summary = summary if len(summary) <= 120 else summary[:117].rsplit(" ", 1)[0] + "…"
            findings.append(finding(
                "vulnerable-dependency", dep.path, dep.line,
                f"{dep.name} {dep.version} is affected by {cve}{_others(cve, ids)}: {summary} "
                f"[{rating}]; {fix_text}",
                severity=severity, package=dep.name, version=dep.version,
                advisories=tuple(ids + aliases), remediation=remediation,
                extra={"fixed": later, "upgrade_to": upgrade_to,
                       "advisory_urls": [record_url(i) for i in ids + aliases]},
            ))
    return findings


def by_package(findings: Iterable[Finding]) -> list[dict]:
    """Vulnerability findings grouped by (package, version, manifest): what a user upgrades, with the
    one version that fixes every advisory, worst first. The shape of the scan's ``packages`` list."""
    groups: dict[tuple[str, str, str], list[Finding]] = {}
    for f in findings:
        if f.rule == "vulnerable-dependency" and f.package and f.version:
            groups.setdefault((f.package, f.version, f.path), []).append(f)
    out = []
    for (package, version, path), items in groups.items():
        worst = max(items, key=lambda f: f.severity.rank).severity
        ids = [f.advisories[0] for f in items]
        out.append({"package": package, "version": version, "path": path, "line": items[0].line,
                    "severity": str(worst), "advisories": ids, "advisory_urls": [record_url(i) for i in ids],
                    "upgrade_to": items[0].extra.get("upgrade_to"), "remediation": items[0].fix})
    rank = {str(s): s.rank for s in Severity}
    return sorted(out, key=lambda g: (-rank[g["severity"]], -len(g["advisories"]), g["package"], g["path"]))
