"""OSV records reduced to what matching needs, and their severity.

``ECOSYSTEM`` and ``SEMVER`` ranges and explicit version lists of the PyPI ecosystem are kept (each
range type compared in its own order: PEP 440 and SemVer 2.0.0); ``GIT`` ranges name commits, which
cannot be compared with a release version offline.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from secplan.vocabulary import Severity

_NORMALISE = re.compile(r"[-_.]+")


def canonical_name(name: str) -> str:
    """PEP 503 normalised project name: what both manifests and advisories are keyed by."""
    return _NORMALISE.sub("-", name).lower()


@dataclass(frozen=True)
class Affected:
    """One package's affected versions in one advisory."""

    package: str
    events: tuple[tuple[tuple[str, str], ...], ...]
    """One tuple of (kind, version) events per ECOSYSTEM range, kind in introduced/fixed/last_affected/limit."""
    versions: tuple[str, ...]
    semver: tuple[tuple[tuple[str, str], ...], ...] = ()
    """The same for SEMVER ranges, whose bounds are ordered by SemVer 2.0.0 precedence."""


@dataclass(frozen=True)
class Advisory:
    id: str
    aliases: tuple[str, ...]
    summary: str
    severity: Severity | None
    """None when the record carries no usable severity."""
    score: float | None
    affected: tuple[Affected, ...]
    modified: str | None = None
    """The record's ``modified`` time (RFC 3339): how current the database is."""

    def fixed_versions(self, package: str) -> list[str]:
        return sorted({v for a in self.affected if a.package == package
                       for events in (*a.events, *a.semver) for kind, v in events if kind == "fixed"})


_LABELS = {"CRITICAL": Severity.CRITICAL, "HIGH": Severity.HIGH, "MODERATE": Severity.MEDIUM,
           "MEDIUM": Severity.MEDIUM, "LOW": Severity.LOW}


def severity_of(record: dict[str, Any]) -> tuple[Severity | None, float | None]:
    """Severity from the record's CVSS vectors (v4 preferred, then v3), else its own severity labels."""
    from cvss import CVSS3, CVSS4

    best: tuple[Severity | None, float | None] = (None, None)
    for entry in record.get("severity") or []:
        vector, kind = str(entry.get("score", "")), entry.get("type")
        try:
            if kind == "CVSS_V4":
                score = float(CVSS4(vector).base_score)
            elif kind == "CVSS_V3":
                score = float(CVSS3(vector).scores()[0])
            else:
                continue
        except Exception:  # malformed vector: fall through to the record's labels
            continue
        if best[1] is None or score > best[1] or kind == "CVSS_V4":
            best = (_from_score(score), score)
    if best[0] is not None:
        return best
    labels = [str((record.get("database_specific") or {}).get("severity", ""))]
    for affected in record.get("affected") or []:
        for key in ("database_specific", "ecosystem_specific"):
            labels.append(str((affected.get(key) or {}).get("severity", "")))
    ranked = [_LABELS[lab.upper()] for lab in labels if lab.upper() in _LABELS]
    if ranked:
        return max(ranked, key=lambda s: s.rank), None
    return None, None


def _from_score(score: float) -> Severity:
    if score >= 9.0:
        return Severity.CRITICAL
    if score >= 7.0:
        return Severity.HIGH
    if score >= 4.0:
        return Severity.MEDIUM
    if score > 0:
        return Severity.LOW
    return Severity.INFO


def _ranges(entry: dict[str, Any], kind: str) -> tuple[tuple[tuple[str, str], ...], ...]:
    return tuple(
        tuple((event_kind, str(value)) for event in rng.get("events") or [] if isinstance(event, dict)
              for event_kind, value in event.items() if event_kind in ("introduced", "fixed", "last_affected", "limit"))
        for rng in entry.get("ranges") or [] if isinstance(rng, dict) and rng.get("type") == kind
    )


def record_url(advisory_id: str) -> str:
    """Where a user reads the advisory: osv.dev shows every id it aliases (PYSEC, GHSA, CVE)."""
    return f"https://osv.dev/vulnerability/{advisory_id}"


def parse_record(record: dict[str, Any]) -> Advisory | None:
    """The PyPI part of one OSV record; None for withdrawn records and records with no PyPI package."""
    if record.get("withdrawn") or not isinstance(record.get("id"), str):
        return None
    affected: list[Affected] = []
    for entry in record.get("affected") or []:
        package = entry.get("package") or {}
        if str(package.get("ecosystem", "")).split(":")[0] != "PyPI" or not package.get("name"):
            continue
        ranges, semver = _ranges(entry, "ECOSYSTEM"), _ranges(entry, "SEMVER")
        versions = tuple(str(v) for v in entry.get("versions") or [])
        if ranges or versions or semver:
            affected.append(Affected(canonical_name(package["name"]), ranges, versions, semver))
    if not affected:
        return None
    severity, score = severity_of(record)
    summary = record.get("summary") or (record.get("details") or "").strip().split("\n")[0]
    return Advisory(
        id=record["id"],
        aliases=tuple(str(a) for a in record.get("aliases") or []),
        summary=summary[:200],
        severity=severity,
        score=score,
        affected=tuple(affected),
        modified=str(record["modified"]) if record.get("modified") else None,
    )
