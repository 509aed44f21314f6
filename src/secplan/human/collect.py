"""The ``human_records`` evidence collector: the store's people, incidents, approvals, access grants
and sensitive ledger entries for this project, read once per assessment (no permission check: the
assessment reads, it does not disclose records beyond statuses in findings)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from secplan.assess.evidence import Evidence, collector
from secplan.human.evidence import HUMAN_RECORDS, HumanRecords
from secplan.vocabulary import Classification


@collector(HUMAN_RECORDS)
def collect_human_records(ev: Evidence) -> HumanRecords:
    if not ev.has_store:
        return HumanRecords(available=False)
    from secplan.human.approvals import all_requests
    from secplan.human.incidents import all_incidents
    from secplan.human.people import all_people
    from secplan.projects import project_of

    project_id = project_of(ev.store).id
    now = dt.datetime.combine(ev.today, dt.datetime.now(dt.UTC).time(), tzinfo=dt.UTC)
    return HumanRecords(
        available=True,
        people=all_people(ev.store, project_id),
        incidents=all_incidents(ev.store, project_id, now),
        approvals=all_requests(ev.store, project_id),
        sensitive_ledger=_sensitive_ledger(ev),
        grants=_grants(ev, project_id),
    )


def _grants(ev: Evidence, project_id: str) -> list[tuple[str, str]]:
    from sqlalchemy import select

    from secplan.human.records import Grant, User

    query = (select(Grant.user_name, Grant.role).join(User, User.name == Grant.user_name)
             .where(Grant.project_id == project_id, User.disabled.is_(False)).order_by(Grant.user_name, Grant.role))
    with ev.store.session() as session:
        return [(u, r) for u, r in session.execute(query)]


def _sensitive_ledger(ev: Evidence) -> list[dict[str, Any]]:
    actions = list(ev.plan.policy.approvals.two_person_rule)
    try:
        from sqlalchemy import select

        from secplan.ledger.records import LedgerEntryRow
    except ImportError:
        return []
    query = select(LedgerEntryRow.action, LedgerEntryRow.object, LedgerEntryRow.actor, LedgerEntryRow.ts).where(
        LedgerEntryRow.action.in_(actions), LedgerEntryRow.outcome == "success")
    with ev.store.session() as session:
        return [{"action": a, "target": o, "actor": who, "ts": ts} for a, o, who, ts in session.execute(query)]


def asset_classification(ev: Evidence, path: str) -> Classification | None:
    """The highest classification of the assets ``path`` reaches (the asset itself, one inside it, or
    the declared folder that holds it)."""
    path = path.strip("/")
    best = None
    for asset in ev.assets:
        # access to a folder reaches every asset inside it; access inside an asset folder reaches that asset
        covers = path == asset.path or path.startswith(asset.path + "/") or asset.path.startswith(path + "/")
        if asset.classification and covers and (best is None or asset.classification.rank > best.rank):
            best = asset.classification
    return best


def highest_access(ev: Evidence, person: dict[str, Any]) -> Classification | None:
    levels = [c for c in (asset_classification(ev, p) for p in person["assets"]) if c]
    return max(levels, key=lambda c: c.rank) if levels else None
