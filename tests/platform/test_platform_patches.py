"""Patch management on SQLite and PostgreSQL: first-seen dates, remediation, SLA, MTTR, ledger, CLI."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from secplan.ledger.query import find
from secplan.platform.findings import finding
from secplan.platform.patches import exposures, mean_time_to_remediate, record_scan
from secplan.store.db import Store
from secplan.vocabulary import Severity

T0 = dt.datetime(2026, 1, 1, 9, 0, tzinfo=dt.UTC)


def vuln(package: str, advisory: str, severity: Severity):
    return finding("vulnerable-dependency", "requirements.txt", 1, f"{package} affected by {advisory}",
                   severity=severity, package=package, version="1.0", advisories=(advisory, "CVE-X"))


def test_first_seen_remediation_sla_and_mttr(store: Store) -> None:
    a = vuln("pyyaml", "PYSEC-A", Severity.CRITICAL)
    b = vuln("pillow", "PYSEC-B", Severity.HIGH)
    c = vuln("numpy", "PYSEC-C", Severity.LOW)
    assert record_scan(store, "/p", [a, b, c], now=T0) == {"new": 3, "still_open": 0, "remediated": 0, "reopened": 0}
    # 10 days later pillow is fixed; the others are still there.
    assert record_scan(store, "/p", [a, c], now=T0 + dt.timedelta(days=10))["remediated"] == 1
    later = T0 + dt.timedelta(days=20)
    items = {e.package: e for e in exposures(store, "/p", now=later)}
    assert items["pyyaml"].status == "overdue" and items["pyyaml"].days_exposed == 20 and items["pyyaml"].sla_days == 15
    assert items["numpy"].status == "open" and items["numpy"].sla_days == 180
    assert items["pillow"].status == "remediated" and items["pillow"].days_exposed == 10
    assert mean_time_to_remediate(list(items.values())) == 10.0
    # The plan's SLA is what counts.
    relaxed = {e.package: e.status for e in exposures(store, "/p", {Severity.CRITICAL: 30}, now=later)}
    assert relaxed["pyyaml"] == "open"
    # Another project in the same store is kept apart.
    assert exposures(store, "/other", now=later) == []
    actions = [(e.action, json.loads(e.details)) for e in find(store, action="platform.")]
    assert actions[0] == ("platform.scan", {"new": 3, "still_open": 0, "remediated": 0, "reopened": 0})
    assert actions[1][1]["remediated"] == 1


def test_reappearing_vulnerability_is_reopened_with_a_new_first_seen(store: Store) -> None:
    a = vuln("pyyaml", "PYSEC-A", Severity.HIGH)
    record_scan(store, "/p", [a], now=T0)
    record_scan(store, "/p", [], now=T0 + dt.timedelta(days=5))
    assert record_scan(store, "/p", [a], now=T0 + dt.timedelta(days=50))["reopened"] == 1
    (item,) = exposures(store, "/p", now=T0 + dt.timedelta(days=51))
    assert item.status == "open" and item.days_exposed == 1


def test_scan_record_and_patches_cli(store: Store, project_dir: Path, write, cli) -> None:
    write("requirements.txt", "pyyaml==5.3\n")
    r = cli("platform", "scan", project_dir, "--store", "-f", "json")
    assert r.code == 0 and "2 new" in r.err
    r = cli("platform", "patches", "-C", project_dir, "-f", "json")
    doc = r.json()
    assert r.code == 0 and doc["counts"] == {"overdue": 0, "open": 2, "remediated": 0}
    assert {f["advisory"] for f in doc["findings"]} == {"PYSEC-2020-96", "PYSEC-2021-142"}
    assert doc["sla_days"]["critical"] == 15 and doc["mean_time_to_remediate_days"] is None
    write("requirements.txt", "pyyaml==6.0.1\n")
    assert "2 remediated" in cli("platform", "scan", project_dir).err  # recorded: the project has a store now
    doc = cli("platform", "patches", "-C", project_dir, "-f", "json").json()
    assert doc["counts"]["remediated"] == 2 and doc["mean_time_to_remediate_days"] == 0.0
    assert "remediated" in cli("platform", "patches", "-C", project_dir).out


def test_patches_without_a_store_is_an_input_error(tmp_path: Path, cli, monkeypatch) -> None:
    monkeypatch.delenv("SECPLAN_DATABASE_URL", raising=False)
    r = cli("platform", "patches", "-C", tmp_path)
    assert r.code == 2 and "no store yet" in r.err


def test_cli_scans_and_assessments_share_one_history_per_plan(store: Store, project_dir: Path, write, cli) -> None:
    """First-seen dates are keyed by the plan's project name, so the CLI, assessments and other checkouts agree."""
    from secplan.assess.evidence import Evidence
    from secplan.assess.registry import all_probes
    from secplan.plan.loader import load_plan
    from secplan.vocabulary import Outcome

    write("secplan.yaml", "version: 1\nproject:\n  name: credit-risk\n")
    write("requirements.txt", "pyyaml==5.3\n")
    assert "2 new" in cli("platform", "scan", project_dir, "--store").err
    later = dt.date.today() + dt.timedelta(days=100)
    ev = Evidence(project_dir, load_plan(project_dir / "secplan.yaml"), today=later, store=store)
    probe = next(p for p in all_probes() if p.id == "patch-sla-overdue")
    overdue = [r for r in probe.run(ev) if r.outcome is Outcome.NEGATIVE]
    assert len(overdue) == 2 and all("SLA 90 days" in r.message for r in overdue)
    doc = cli("platform", "patches", "-C", project_dir, "-f", "json").json()
    assert doc["counts"]["open"] == 2  # same history, judged today
