"""Numbers of one project's page, from its stored assessments: open findings by severity per run,
new and fixed since the run before, mean time to fix by severity, and framework coverage."""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from secplan.server.queries.assessments import AssessmentMeta, compare
from secplan.server.records import IndexedFinding
from secplan.store.base import as_utc
from secplan.store.db import Store
from secplan.vocabulary import Severity

SEVERITIES = [s.value for s in sorted(Severity, key=lambda s: -s.rank)]
BAR_W, BAR_H = 560, 140


@dataclass(frozen=True)
class FixTime:
    severity: str
    fixed: int
    mean_days: float | None


def bars(runs: Sequence[AssessmentMeta]) -> dict[str, Any] | None:
    """Stacked bars of open findings by severity, one per run, oldest left (None under two runs)."""
    if len(runs) < 2:
        return None
    most = max(1, *(sum(r.open.values()) for r in runs))
    step = BAR_W / len(runs)
    columns = []
    for n, run in enumerate(runs):
        base, stack = float(BAR_H), []
        for severity in SEVERITIES:
            count = int(run.open.get(severity, 0))
            if count:
                height = (BAR_H - 4) * count / most
                base -= height
                stack.append({"severity": severity, "y": round(base, 1), "h": round(height, 1), "count": count})
        columns.append({"x": round(n * step + step * 0.15, 1), "w": round(step * 0.7, 1), "stack": stack, "run": run})
    return {"w": BAR_W, "h": BAR_H, "columns": columns, "most": most}


def fix_times(store: Store, runs: Sequence[AssessmentMeta]) -> list[FixTime]:
    """For each severity: how many findings were fixed across ``runs`` (oldest first), and the mean
    days from when each was first seen to the first run that no longer had it open."""
    days: dict[str, list[float]] = {s: [] for s in SEVERITIES}
    for older, newer in itertools.pairwise(runs):
        found = compare(store, older.id, newer.id)
        if found is None or not found.fixed:
            continue
        with store.session() as session:
            seen = {fp: as_utc(at) for fp, at in session.execute(
                select(IndexedFinding.fingerprint, IndexedFinding.first_seen)
                .where(IndexedFinding.assessment_id == older.id,
                       IndexedFinding.fingerprint.in_([f.id[:300] for f in found.fixed])))}
        for f in found.fixed:
            start = seen.get(f.id[:300], older.finished_at)
            days[f.severity.value].append(max(0.0, (newer.finished_at - start) / dt.timedelta(days=1)))
    return [FixTime(s, len(v), round(sum(v) / len(v), 1) if v else None) for s, v in days.items()]


def coverage(controls: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """Per framework: the controls mapped to it and how many of them pass, as a share."""
    from secplan.plan.catalogue import FRAMEWORK_TITLES

    out: dict[str, dict[str, Any]] = {}
    for c in controls:
        for framework, refs in (c.get("frameworks") or {}).items():
            if not refs:
                continue
            entry = out.setdefault(framework, {"framework": framework, "title": FRAMEWORK_TITLES.get(framework, framework),
                                               "mapped": 0, "passing": 0})
            entry["mapped"] += 1
            entry["passing"] += c.get("status") == "pass"
    for entry in out.values():
        entry["share"] = entry["passing"] / entry["mapped"]
    return sorted(out.values(), key=lambda e: (e["share"], e["framework"]))
