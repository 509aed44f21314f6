"""Alert and served-model records on a real SQLite file and PostgreSQL: a detection opens an alert
and an incident, a repeat updates it, an acknowledgement is recorded, and the MONITORING collector
hands the probes what the records say."""

from __future__ import annotations

import uuid
from pathlib import Path

from secplan.assess.evidence import Evidence
from secplan.human.incidents import show_incident
from secplan.model.monitor.alerts import acknowledge, list_alerts, raise_alerts
from secplan.model.monitor.collect import collect_monitoring
from secplan.model.monitor.detection import Detection
from secplan.model.monitor.served import report, started
from secplan.plan.loader import parse_plan
from secplan.store.db import Store
from secplan.vocabulary import Outcome
from tests.probes.helpers import make_project, outcomes, run_probe


def _extraction(score: float) -> Detection:
    return Detection("extraction", "fraud@1", score, 0.3, "client 'mallory': synthetic queries",
                     client="mallory", window={"first": 1, "last": 200, "requests": 200, "signal": "off-manifold-rate"})


def test_alerts_incidents_and_the_collector(store: Store, project_dir: Path) -> None:
    make_project(project_dir, project={"name": "t", "id": str(uuid.uuid4()), "on_call": "sre@example.com"})
    run = started(store, model="fraud@1", requested="fraud@1", digest="sha256:" + "c" * 64, host="127.0.0.1",
                  port=8080, auth=True, tls=False, validation="reject", monitoring=True)
    report(store, run, {"requests": 900, "ood_requests": 3})
    first = raise_alerts(store, [_extraction(0.6)])
    again = raise_alerts(store, [_extraction(0.8)])
    drift = raise_alerts(store, [Detection("drift", "fraud@1", 0.4, 0.2, "feature 'debt' drifted", feature="debt")])
    assert first[0]["new"] and not again[0]["new"] and again[0]["id"] == first[0]["id"]
    alerts = {a["kind"]: a for a in list_alerts(store)}
    assert set(alerts) == {"extraction", "drift"}
    assert alerts["extraction"]["count"] == 2 and alerts["extraction"]["score"] == 0.8
    incident = show_incident(store, int(alerts["extraction"]["incident"]))
    assert incident["owner"] == "sre@example.com" and "AML.T0024.002" in incident["atlas"]
    assert show_incident(store, int(drift[0]["incident"]))["type"] == "model-drift-outage"

    plan = parse_plan((project_dir / "secplan.yaml").read_text())
    evidence = collect_monitoring(Evidence(project_dir, plan, store=store))
    (monitor,) = evidence.monitors
    assert monitor.model == "fraud@1" and monitor.running and monitor.validation and monitor.auth
    assert (monitor.open_alerts, monitor.unacknowledged_alerts) == (2, 2)
    assert monitor.production_digest is None
    assert {a.incident_owner for a in evidence.alerts} == {"sre@example.com"}

    assert outcomes(run_probe("monitoring-configured", project_dir)) == [Outcome.NEGATIVE]
    assert outcomes(run_probe("alerts-become-incidents", project_dir)) == [Outcome.POSITIVE]
    acknowledge(store, alerts["extraction"]["id"])
    acknowledge(store, alerts["drift"]["id"], resolve=True)
    evidence = collect_monitoring(Evidence(project_dir, plan, store=store))
    assert (evidence.monitors[0].open_alerts, evidence.monitors[0].unacknowledged_alerts) == (1, 0)
    assert outcomes(run_probe("monitoring-configured", project_dir)) == [Outcome.POSITIVE]
    assert outcomes(run_probe("served-version-approved", project_dir)) == [Outcome.NEGATIVE]  # no production stage
    assert raise_alerts(store, [Detection("drift", "fraud@1", 0.5, 0.2, "again", feature="debt")])[0]["new"]
