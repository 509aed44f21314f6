"""Whole answers of the read routes asked for most (findings pages, the portfolio), kept by this
process for as long as nothing they are made of has changed.

A route looks an answer up only after the request was authenticated and authorized as any other,
and the key holds everything that decides the answer: the projects the caller may see (ids and
names, from the access layer), the caller where the answer names them (a page's person and CSRF
value), the filters and position, and those projects' current assessments. The index rows of a
stored assessment never change, so while the current assessments are the same the answer is the
same, but for the ages computed from the clock: an answer is kept until the first of its findings
turns a day older. An upload through this process drops every kept answer at once; an upload to
another replica changes the current assessments, hence the key, within ``latest.TTL``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Hashable, Iterable, Sequence
from typing import TypeVar

from secplan.projects import Project
from secplan.server.context import Context
from secplan.web.ttl import TtlCache

T = TypeVar("T")
MAX_AGE = 300.0
"""Seconds an answer is kept at most (a bound on memory held by answers nobody asks for again)."""
_kept: TtlCache[object] = TtlCache(MAX_AGE, 256)
"""At most 256 answers: past that, all are dropped and kept again as they are asked for."""


def forget() -> None:
    """Drop every kept answer (this process stored an assessment)."""
    _kept.clear()


def current(ctx: Context, projects: Sequence[Project], branch: str | None) -> tuple:
    """What an answer about ``projects`` is made of: the server's store and page-token signer, the
    projects as the caller sees them and their current assessments."""
    from secplan.server.queries.latest import latest_ids

    latest = latest_ids(ctx.store, [p.id for p in projects], branch)
    return ctx.store, ctx.pager, tuple((p.id, p.name) for p in projects), tuple(sorted(latest.items()))


def kept(key: Hashable, build: Callable[[], T], lifetime: Callable[[T], float] | None = None) -> T:
    """The kept answer for ``key``, or ``build()`` kept for ``lifetime(answer)`` seconds at most."""
    return _kept.get(key, build, lifetime)  # type: ignore[arg-type,return-value]


def until_older(first_seen: Iterable[dt.datetime], ages: Iterable[int], now: dt.datetime) -> float:
    """Seconds until the first of these findings' ages (in whole days since first seen) changes."""
    soonest = MAX_AGE
    for seen, age in zip(first_seen, ages, strict=True):
        turns = seen + dt.timedelta(days=age + 1) - now
        soonest = min(soonest, turns.total_seconds())
    return max(0.0, soonest)
