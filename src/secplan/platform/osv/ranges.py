"""Exact OSV range evaluation for PEP 440 versions.

Follows the OSV schema's ``IsVulnerable`` exactly: a range applies only to versions below one of its
``limit`` events (no limit, or ``"*"``, means no upper limit); then its events are walked in version
order: ``introduced`` at or below the version opens the range (``"0"`` sorts before every version),
``fixed`` at or below closes it, ``last_affected`` strictly below closes it. A version is affected
when any range leaves it open or the explicit ``versions`` list names it.

A bound that is not a PEP 440 version cannot be ordered; the range is then taken as affecting the
version (reported, never silently clean), and the finding can be reviewed against the advisory.
"""

from __future__ import annotations

import functools

from packaging.utils import canonicalize_version
from packaging.version import InvalidVersion, Version

from secplan.platform.osv.model import Affected

_ORDER = {"introduced": 0, "fixed": 1, "last_affected": 2}
_UNBOUNDED = object()


@functools.lru_cache(maxsize=65536)
def parse_version(text: str) -> Version | None:
    try:
        return Version(text)
    except InvalidVersion:
        return None


def _before_limits(version: Version, events: tuple[tuple[str, str], ...]) -> bool:
    limits = [value for kind, value in events if kind == "limit"]
    if not limits:
        return True
    for value in limits:
        if "*" in value:
            return True
        bound = parse_version(value)
        if bound is None or version < bound:
            return True
    return False


def _in_range(version: Version, events: tuple[tuple[str, str], ...]) -> bool:
    if not _before_limits(version, events):
        return False
    parsed: list[tuple[Version | None, int, str]] = []
    for kind, value in events:
        if kind not in _ORDER:
            continue
        if kind == "introduced" and value == "0":
            parsed.append((None, _ORDER[kind], kind))
            continue
        bound = parse_version(value)
        if bound is None:  # cannot be ordered: report rather than call the version clean
            return True
        parsed.append((bound, _ORDER[kind], kind))
    parsed.sort(key=lambda e: (e[0] is not None, e[0] or Version("0"), e[1]))
    affected = False
    for bound, _, kind in parsed:
        if kind == "introduced":
            if bound is None or version >= bound:
                affected = True
        elif kind == "fixed":
            if version >= bound:
                affected = False
        elif version > bound:  # last_affected
            affected = False
    return affected


def is_affected(version: str, affected: Affected) -> bool:
    """True when ``version`` (a PEP 440 string) lies in the advisory's affected set for this package."""
    if version in affected.versions:
        return True
    parsed = parse_version(version)
    if parsed is None:
        return False
    if canonicalize_version(parsed) in _normalised(affected.versions):
        return True
    return any(_in_range(parsed, events) for events in affected.events)


@functools.lru_cache(maxsize=16384)
def _normalised(versions: tuple[str, ...]) -> frozenset[str]:
    """An advisory's explicit versions in PEP 440 normal form, so ``1.2`` finds ``1.2.0``'s twin once."""
    return frozenset(canonicalize_version(p) for p in map(parse_version, versions) if p is not None)
