"""Governance probes on real store records: passes, failures, and no_evidence when nothing is recorded."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from secplan.assess.evidence import Evidence
from secplan.assess.registry import all_probes
from secplan.compliance import attestations, vendors
from secplan.human import approvals, incidents, people
from secplan.plan.loader import parse_plan
from secplan.store.db import Store
from secplan.vocabulary import Outcome

TODAY = dt.date.today()
PLAN = """
version: 1
project: {name: credit, on_call: ana}
assets:
  - {path: data/train.csv, classification: restricted, owner: ana}
  - {path: data/public.csv, classification: public, owner: ana}
policy:
  incidents: {drill_every_days: 180}
  vendor_review_every_days: 365
"""
GOVERNANCE_PROBES = ("access-least-privilege", "training-current", "screening-cleared", "incident-playbooks", "incident-deadlines",
                     "incident-drill", "on-call-and-alert-routing", "sensitive-actions-approved",
                     "vendor-agreements", "vendor-reviews", "pentest-attested", "network-review-attested",
                     "tamper-protection-attested")


def days(n: int) -> dt.date:
    return TODAY + dt.timedelta(days=n)


@pytest.fixture
def project(store: Store, project_dir: Path) -> Path:
    (project_dir / "secplan.yaml").write_text(PLAN)
    (project_dir / "data").mkdir()
    (project_dir / "data" / "train.csv").write_text("id,amount\n1,2\n")
    return project_dir


def results(store: Store, root: Path, probe_id: str) -> list[tuple[Outcome, str]]:
    ev = Evidence(root, parse_plan(PLAN), store=store, today=TODAY)
    probe = next(p for p in all_probes() if p.id == probe_id)
    return [(r.outcome, r.message) for r in probe.run(ev)]


def outcomes(store: Store, root: Path, probe_id: str) -> list[Outcome]:
    return [o for o, _ in results(store, root, probe_id)]


def test_without_records_every_governance_probe_says_no_evidence(store: Store, project: Path) -> None:
    for probe_id in GOVERNANCE_PROBES:
        assert outcomes(store, project, probe_id) == [Outcome.NO_EVIDENCE], probe_id


def test_people_probes(store: Store, project: Path) -> None:
    people.add_person(store, "ana", assets=["data/train.csv"], screening="cleared", screening_level="standard")
    people.add_training(store, "ana", "Secure ML", days(-30), days(300))
    people.add_person(store, "ben", assets=["data/train.csv"], screening="cleared", screening_level="basic")
    people.add_training(store, "ben", "Secure ML", days(-400), days(-35))
    people.add_person(store, "cy", assets=["data/public.csv"])
    people.add_training(store, "cy", "Awareness", days(-10), None)
    people.add_person(store, "dee", assets=["data/"], screening="adverse")  # a folder reaches what it holds
    training = dict((m.split(":")[0], o) for o, m in results(store, project, "training-current"))
    assert training == {"ana": Outcome.POSITIVE, "ben": Outcome.NEGATIVE, "cy": Outcome.POSITIVE,
                        "dee": Outcome.NEGATIVE}
    screening = results(store, project, "screening-cleared")
    by_name = {m.split(":")[0]: (o, m) for o, m in screening}
    assert by_name["ana"][0] is Outcome.POSITIVE
    assert by_name["ben"][0] is Outcome.NEGATIVE and "need standard" in by_name["ben"][1]
    assert by_name["dee"][0] is Outcome.NEGATIVE and "adverse" in by_name["dee"][1]
    assert "cy" not in by_name  # reaches only public data


def test_incident_probes(store: Store, project: Path) -> None:
    people.add_person(store, "ana")
    overdue = incidents.open_incident(store, "leak", kind="sensitive-data-leak", severity="critical",
                                      serious="widespread", owner="ana",
                                      aware_at=dt.datetime.now(dt.UTC) - dt.timedelta(days=3))
    incidents.open_incident(store, "drift", kind="model-drift-outage", severity="medium")
    incidents.record_drill(store, "secret-leak", on=days(-200))
    deadlines = results(store, project, "incident-deadlines")
    assert [o for o, _ in deadlines] == [Outcome.NEGATIVE] and f"#{overdue}" in deadlines[0][1]
    assert outcomes(store, project, "incident-drill") == [Outcome.NEGATIVE]
    routing = outcomes(store, project, "on-call-and-alert-routing")
    assert routing == [Outcome.POSITIVE, Outcome.NEGATIVE]  # on-call known; the drift incident has no owner
    incidents.close_incident(store, overdue)
    playbook = outcomes(store, project, "incident-playbooks")
    assert Outcome.NEGATIVE in playbook and Outcome.POSITIVE in playbook  # closed early; the drill is complete
    incidents.record_drill(store, "model-extraction", on=days(-10))
    assert outcomes(store, project, "incident-drill") == [Outcome.POSITIVE]


def test_sensitive_actions_probe(store: Store, project: Path, monkeypatch) -> None:
    from secplan.human import accounts
    from secplan.ledger import record

    for user, role in (("ana", "engineer"), ("sam", "security-officer")):
        accounts.add_user(store, user)
        accounts.grant_role(store, user, role)
    tokens = {u: accounts.create_token(store, u).token for u in ("ana", "sam")}
    monkeypatch.setenv("SECPLAN_TOKEN", tokens["ana"])
    request_id = approvals.request(store, "model.promote", "model:credit@2")
    monkeypatch.setenv("SECPLAN_TOKEN", tokens["sam"])
    approvals.decide(store, request_id)
    record(store, action="model.promote", obj="model:credit@2")
    record(store, action="model.promote", obj="model:credit@3")  # promoted with no approval
    got = results(store, project, "sensitive-actions-approved")
    assert (Outcome.POSITIVE, "model.promote model:credit@2: requested by ana, approved by sam") in got
    negatives = [m for o, m in got if o is Outcome.NEGATIVE]
    assert len(negatives) == 1 and "model:credit@3" in negatives[0]


def test_vendor_probes(store: Store, project: Path) -> None:
    vendors.add_vendor(store, "Good", data=["scores=confidential"], agreement_ref="DPA-1",
                       agreement_expires=days(100), certifications=["SOC 2=" + days(50).isoformat()],
                       last_review=days(-30))
    vendors.add_vendor(store, "Lapsed", data=["transactions=restricted"], agreement_ref="DPA-2",
                       agreement_expires=days(-1), certifications=["ISO/IEC 27001=" + days(-5).isoformat()],
                       last_review=days(-400))
    vendors.add_vendor(store, "NoDPA", data=["transactions=restricted"])
    agreements = results(store, project, "vendor-agreements")
    assert [(o, m.split(" ")[0].rstrip(":")) for o, m in agreements] == [
        (Outcome.POSITIVE, "Good"), (Outcome.NEGATIVE, "Lapsed"), (Outcome.NEGATIVE, "Lapsed"),
        (Outcome.NEGATIVE, "NoDPA")]
    assert outcomes(store, project, "vendor-reviews") == [Outcome.POSITIVE, Outcome.NEGATIVE, Outcome.NEGATIVE]


def test_attestation_probes(store: Store, project: Path) -> None:
    attestations.attest(store, "PS-5", statement="Firewall rules reviewed", evidence="https://wiki/fw",
                        expires=days(30))
    attestations.attest(store, "PS-6", statement="HSM room audit", evidence="https://wiki/hsm",
                        expires=days(1), today=days(-60))
    assert outcomes(store, project, "network-review-attested") == [Outcome.POSITIVE]
    ev = Evidence(project, parse_plan(PLAN), store=store, today=days(2))
    probe = next(p for p in all_probes() if p.id == "tamper-protection-attested")
    assert [r.outcome for r in probe.run(ev)] == [Outcome.NEGATIVE]
    assert outcomes(store, project, "pentest-attested") == [Outcome.NO_EVIDENCE]


def test_access_least_privilege(store: Store, project: Path) -> None:
    from secplan.human import accounts

    assert outcomes(store, project, "access-least-privilege") == [Outcome.NO_EVIDENCE]
    for n in range(3):
        accounts.add_user(store, f"adm{n}")
        accounts.grant_role(store, f"adm{n}", "admin")
    accounts.add_user(store, "eng")
    accounts.grant_role(store, "eng", "engineer")
    assert outcomes(store, project, "access-least-privilege") == [Outcome.POSITIVE, Outcome.NEGATIVE]
    accounts.disable_user(store, "adm2")
    assert outcomes(store, project, "access-least-privilege") == [Outcome.POSITIVE]
