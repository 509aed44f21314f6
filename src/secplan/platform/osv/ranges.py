"""Exact OSV range evaluation: ``ECOSYSTEM`` ranges in PEP 440 order, ``SEMVER`` ranges in SemVer
2.0.0 precedence.

Follows the OSV schema's ``IsVulnerable`` exactly: a range applies only to versions below one of its
``limit`` events (no limit, or ``"*"``, means no upper limit); then its events are walked in version
order: ``introduced`` at or below the version opens the range (``"0"`` sorts before every version),
``fixed`` at or below closes it, ``last_affected`` strictly below closes it. A version is affected
when any range leaves it open or the explicit ``versions`` list names it.

A bound that cannot be ordered (not a PEP 440 version in an ECOSYSTEM range, not SemVer in a SEMVER
range) makes the range affect the version (reported, never silently clean), and the finding can be
reviewed against the advisory.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from typing import Any

from packaging.utils import canonicalize_version
from packaging.version import InvalidVersion, Version

from secplan.platform.osv.model import Affected

_ORDER = {"introduced": 0, "fixed": 1, "last_affected": 2}
Events = tuple[tuple[str, str], ...]


@functools.lru_cache(maxsize=65536)
def parse_version(text: str) -> Version | None:
    try:
        return Version(text)
    except InvalidVersion:
        return None


def sort_key(version: str) -> tuple:
    """A total order over version strings: PEP 440 order, unparsable strings last (by text)."""
    parsed = parse_version(version)
    return (parsed is None, parsed or parse_version("0"), version)


# SemVer 2.0.0, section 9-11: numeric identifiers without leading zeros, build metadata ignored.
_NUM = r"0|[1-9]\d*"
_PRE_ID = r"(?:0|[1-9]\d*|\d*[A-Za-z-][0-9A-Za-z-]*)"
_SEMVER = re.compile(rf"^({_NUM})\.({_NUM})\.({_NUM})(?:-({_PRE_ID}(?:\.{_PRE_ID})*))?(?:\+[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?$")


@functools.lru_cache(maxsize=16384)
def parse_semver(text: str) -> tuple | None:
    """A key that orders SemVer 2.0.0 strings by precedence: a pre-release sorts before its release;
    pre-release identifiers compare numerically when numeric, else in ASCII order, numeric first,
    and a shorter list of equal identifiers first. Build metadata does not count."""
    match = _SEMVER.match(text)
    if match is None:
        return None
    major, minor, patch, pre = match.groups()
    if pre is None:
        return (int(major), int(minor), int(patch), 1, ())
    ids = tuple((0, int(p), "") if p.isdigit() else (1, 0, p) for p in pre.split("."))
    return (int(major), int(minor), int(patch), 0, ids)


_PEP440_PRE = {"a": "alpha", "b": "beta", "rc": "rc"}


def _as_semver(version: str) -> tuple | None:
    """The installed version in SemVer order: as written when it is SemVer, else a plain PEP 440
    release of at most three parts (``2.1`` is ``2.1.0``; ``2.1rc1`` is ``2.1.0-rc.1``)."""
    key = parse_semver(version)
    if key is not None:
        return key
    parsed = parse_version(version)
    if parsed is None or parsed.epoch or parsed.post is not None or parsed.dev is not None or parsed.local \
            or len(parsed.release) > 3:
        return None
    release = ".".join(str(p) for p in (*parsed.release, 0, 0)[:3])
    pre = f"-{_PEP440_PRE[parsed.pre[0]]}.{parsed.pre[1]}" if parsed.pre else ""
    return parse_semver(release + pre)


def _before_limits(version: Any, events: Events, parse: Callable[[str], Any]) -> bool:
    limits = [value for kind, value in events if kind == "limit"]
    if not limits:
        return True
    for value in limits:
        if value == "*":
            return True
        bound = parse(value)
        if bound is None or version < bound:
            return True
    return False


def _in_range(version: Any, events: Events, parse: Callable[[str], Any]) -> bool:
    if not _before_limits(version, events, parse):
        return False
    ordered = _ordered(events, parse)
    if ordered is None:  # a bound that cannot be ordered: report rather than call the version clean
        return True
    affected = False
    for bound, _, kind in ordered:
        if kind == "introduced":
            if bound is None or version >= bound:
                affected = True
        elif kind == "fixed":
            if version >= bound:
                affected = False
        elif version > bound:  # last_affected
            affected = False
    return affected


@functools.lru_cache(maxsize=65536)
def _ordered(events: Events, parse: Callable[[str], Any]) -> tuple[tuple[Any, int, str], ...] | None:
    """A range's events parsed and in version order ("0" first; introduced before fixed and
    last_affected at one version); None when a bound cannot be parsed. Cached: one advisory's range
    is evaluated for many installed versions."""
    parsed: list[tuple[Any, int, str]] = []
    for kind, value in events:
        if kind not in _ORDER:
            continue
        if kind == "introduced" and value == "0":
            parsed.append((None, _ORDER[kind], kind))
            continue
        bound = parse(value)
        if bound is None:
            return None
        parsed.append((bound, _ORDER[kind], kind))
    # (False, None, n) sorts before any (True, bound, n); None is only ever compared with None.
    parsed.sort(key=lambda e: (e[0] is not None, e[0], e[1]))
    return tuple(parsed)


@functools.lru_cache(maxsize=65536)
def _canonical(version: Version) -> str:
    return canonicalize_version(version)


def is_affected(version: str, affected: Affected) -> bool:
    """True when ``version`` (a PEP 440 string) lies in the advisory's affected set for this package."""
    if version in affected.versions:
        return True
    if affected.semver:
        semver = _as_semver(version)
        if semver is not None and any(_in_range(semver, events, parse_semver) for events in affected.semver):
            return True
        if semver is None:  # the version cannot be placed in SemVer order: reported
            return True
    parsed = parse_version(version)
    if parsed is None:
        return False
    if affected.versions and _canonical(parsed) in _normalised(affected.versions):
        return True
    return any(_in_range(parsed, events, parse_version) for events in affected.events)


@functools.lru_cache(maxsize=16384)
def _normalised(versions: tuple[str, ...]) -> frozenset[str]:
    """An advisory's explicit versions in PEP 440 normal form, so ``1.2`` finds ``1.2.0``'s twin once."""
    return frozenset(canonicalize_version(p) for p in map(parse_version, versions) if p is not None)
