"""Match pinned dependencies against an advisory database; one finding per package and vulnerability
(records that alias each other, such as a PYSEC and a GHSA id for one CVE, are merged)."""

from __future__ import annotations

from collections.abc import Iterable

from secplan.platform.findings import Finding, finding
from secplan.platform.manifests import Dependency
from secplan.platform.osv.index import AdvisoryDatabase
from secplan.platform.osv.model import Advisory
from secplan.platform.osv.ranges import is_affected, parse_version
from secplan.vocabulary import Severity

UNKNOWN_SEVERITY = Severity.MEDIUM
"""Most PyPA records carry no severity; they are reported as medium and say so."""


def affecting(db: AdvisoryDatabase, package: str, version: str) -> list[Advisory]:
    return [adv for adv in db.advisories_for(package)
            if any(a.package == package and is_affected(version, a) for a in adv.affected)]


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


def _sort_key(version: str) -> tuple:
    parsed = parse_version(version)
    return (parsed is None, parsed or parse_version("0"), version)


def _others(shown: str, ids: list[str]) -> str:
    rest = [i for i in ids if i != shown]
    return f" ({', '.join(rest)})" if rest else ""


def match(dependencies: Iterable[Dependency], db: AdvisoryDatabase) -> list[Finding]:
    findings: list[Finding] = []
    for dep in dependencies:
        if dep.version is None:
            findings.append(finding("unpinned-requirement", dep.path, dep.line,
                                    f"{dep.spec!r} is not pinned to an exact version: not checked for advisories",
                                    package=dep.name))
            continue
        for group in merge_aliases(affecting(db, dep.name, dep.version)):
            ids = sorted({a.id for a in group})
            aliases = sorted({x for a in group for x in a.aliases} - set(ids))
            rated = [a for a in group if a.severity is not None]
            top = max(rated, key=lambda a: (a.severity.rank, a.score or 0)) if rated else None
            severity = top.severity if top else UNKNOWN_SEVERITY
            fixed = sorted({v for a in group for v in a.fixed_versions(dep.name)}, key=_sort_key)
            later = [v for v in fixed if _sort_key(v) > _sort_key(dep.version)]
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
                advisories=tuple(ids + aliases), extra={"fixed": later},
            ))
    return findings
