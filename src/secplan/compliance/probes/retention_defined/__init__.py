"""Every dataset has a retention period and is within it (CS-3)."""

import datetime as dt
from collections.abc import Iterator

from secplan.assess.evidence import Evidence
from secplan.assess.interface import Location, Result, negative, not_applicable, positive
from secplan.vocabulary import AssetKind

NEEDS = ()


def _age_days(ev: Evidence, rel: str) -> int | None:
    path = ev.root / rel
    candidates = [path] if path.exists() else [path.with_name(path.name + ".enc")]
    try:
        newest = max(p.stat().st_mtime for p in candidates if p.exists())
    except ValueError:
        return None
    modified = dt.datetime.fromtimestamp(newest, dt.UTC).date()
    return (ev.today - modified).days


def run(ev: Evidence) -> Iterator[Result]:
    datasets = [a for a in ev.assets if a.kind is AssetKind.DATASET or (a.kind is AssetKind.ENCRYPTED and a.declared)]
    if not datasets:
        yield not_applicable("the project has no datasets")
        return
    by_class = ev.plan.policy.retention.days_by_classification
    for asset in datasets:
        days = asset.retention_days
        if days is None and asset.classification:
            days = by_class.get(asset.classification)
        where = Location(asset.path)
        if days is None:
            yield negative("no retention period (asset retention_days or a policy for its classification)", where,
                           key=f"undefined|{asset.path}")
            continue
        age = _age_days(ev, asset.path)
        if age is not None and age > days:
            yield negative(f"kept {age} days, past its retention of {days} days", where, key=f"expired|{asset.path}")
        else:
            yield positive(f"retention {days} days" + (f", {age} days old" if age is not None else ""), where)
