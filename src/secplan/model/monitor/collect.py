"""Feed the assessment with what gateways recorded: the latest run of each served model, its guards,
its alerts and whether they became owned incidents. Nothing is loaded or contacted."""

from __future__ import annotations

import datetime as dt

from secplan.assess.evidence import Evidence, collector
from secplan.model.monitor.evidence import MONITORING, AlertRecord, Monitor, Monitoring

#: A gateway that has not reported for this long is taken as gone (killed, host down).
STALE = dt.timedelta(minutes=5)


@collector(MONITORING)
def collect_monitoring(ev: Evidence) -> Monitoring:
    from secplan.human.records import Incident
    from secplan.model.monitor.alerts import list_alerts
    from secplan.model.monitor.served import served
    from secplan.model.registry.versions import get_version, stages

    if not ev.has_store:
        return Monitoring()
    store = ev.store
    runs = served(store)
    alerts = list_alerts(store)
    staged = stages(store)
    owners: dict[int, str | None] = {}
    ids = [a["incident"] for a in alerts if a["incident"] is not None]
    if ids:
        with store.session() as session:
            for incident_id in ids:
                row = session.get(Incident, int(incident_id))
                owners[int(incident_id)] = row.owner if row is not None else None
    now = dt.datetime.now(dt.UTC)
    latest: dict[str, dict] = {}
    for run in runs:  # newest first
        latest.setdefault(run["model"], run)
    monitors = []
    for model, run in latest.items():
        name = model.split("@", 1)[0]
        production = staged.get((name, "production"))
        production_digest = None
        if production is not None:
            production_digest = f"sha256:{get_version(store, f'{name}@{production}', exact=True).root_digest}"
        mine = [a for a in alerts if a["model"] == model and not a["resolved"]]
        seen = dt.datetime.fromisoformat(run["last_seen"])
        seen = seen if seen.tzinfo else seen.replace(tzinfo=dt.UTC)
        monitors.append(Monitor(
            model=model, digest=run["digest"], validation=run["validation"] != "off", monitoring=run["monitoring"],
            open_alerts=len(mine), last_seen=seen, requested=run["requested"], host=run["host"], auth=run["auth"],
            tls=run["tls"], running=run["stopped_at"] is None and now - seen < STALE,
            production_digest=production_digest,
            unacknowledged_alerts=sum(a["acknowledged_by"] is None for a in mine)))
    records = tuple(AlertRecord(a["id"], a["kind"], a["model"], a["client"],
                                None if a["incident"] is None else int(a["incident"]),
                                owners.get(int(a["incident"])) if a["incident"] is not None else None, a["resolved"])
                    for a in alerts)
    return Monitoring(tuple(monitors), records)
