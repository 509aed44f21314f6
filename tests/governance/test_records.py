"""People, vendors, incidents (lifecycle, playbooks, clocks, drills) and attestations in the store."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import update

from secplan.compliance import attestations, vendors
from secplan.compliance.records import Attestation
from secplan.errors import InputError
from secplan.human import incidents, people
from secplan.human.clocks import art73_clock
from secplan.human.playbooks import PHASES, atlas_techniques, playbooks
from secplan.ledger import verify
from secplan.ledger.query import find
from secplan.store.db import Store

NOW = dt.datetime(2026, 6, 1, 12, tzinfo=dt.UTC)


@pytest.mark.parametrize(("serious", "days"), [("serious", 15), ("death", 10), ("widespread", 2)])
def test_art73_deadlines(serious: str, days: int) -> None:
    aware = NOW - dt.timedelta(days=days, hours=1)
    assert art73_clock(serious, aware, None, NOW).state == "overdue"
    assert art73_clock(serious, NOW - dt.timedelta(days=days - 1), None, NOW).state == "due"
    assert art73_clock(serious, aware, aware + dt.timedelta(days=days - 1), NOW).state == "reported"
    assert art73_clock(serious, aware, aware + dt.timedelta(days=days, hours=2), NOW).state == "late"
    assert art73_clock(None, aware, None, NOW) is None


def test_playbooks_cover_the_ml_incident_types_with_known_atlas_ids() -> None:
    assert set(playbooks()) == {"malicious-model-artifact", "training-data-poisoning", "model-extraction",
                                "sensitive-data-leak", "secret-leak", "model-drift-outage"}
    for book in playbooks().values():
        assert {phase for phase, _ in book.steps} == set(PHASES)
        assert set(book.atlas) <= set(atlas_techniques())
    assert atlas_techniques()["AML.T0020"] == "Poison Training Data"


def test_people_store_status_and_dates_only(store: Store) -> None:
    people.add_person(store, "ana", role="ML engineer", assets=["data/train.csv"], screening="in_progress")
    people.update_person(store, "ana", screening="cleared", screening_date=dt.date(2026, 1, 5),
                         screening_level="enhanced", add_assets=["models/"])
    people.add_training(store, "ana", "Secure ML", dt.date(2026, 2, 1), dt.date(2027, 2, 1))
    ana = people.show_person(store, "ana")
    assert ana["assets"] == ["data/train.csv", "models/"]
    assert ana["screening"] == {"status": "cleared", "date": "2026-01-05", "level": "enhanced"}
    assert ana["training"] == [{"course": "Secure ML", "completed": "2026-02-01", "expires": "2027-02-01"}]
    assert [e.action for e in find(store, action="people.")] == ["people.add", "people.update", "people.training"]
    with pytest.raises(InputError, match="screening"):
        people.update_person(store, "ana", screening="passed-with-notes")
    with pytest.raises(InputError, match="already exists"):
        people.add_person(store, "ana")
    with pytest.raises(InputError, match="before completed"):
        people.add_training(store, "ana", "X", dt.date(2026, 2, 1), dt.date(2025, 2, 1))
    assert people.all_people(store, "another-project") == []  # registers are per project


def test_vendors(store: Store) -> None:
    vendors.add_vendor(store, "LabelCo", service="labelling", data=["transactions=restricted"],
                       agreement_ref="DPA-1", agreement_expires=dt.date(2027, 1, 1),
                       certifications=["SOC 2=2026-03-01"])
    vendors.update_vendor(store, "LabelCo", certifications=["SOC 2=2027-03-01", "ISO/IEC 27001=2027-05-01"],
                          last_review=dt.date(2026, 5, 1))
    v = vendors.show_vendor(store, "LabelCo")
    assert v["certifications"] == [{"name": "SOC 2", "expires": "2027-03-01"},
                                   {"name": "ISO/IEC 27001", "expires": "2027-05-01"}]
    assert v["last_review"] == "2026-05-01"
    with pytest.raises(InputError, match="classification must be one of"):
        vendors.add_vendor(store, "Bad", data=["x=secret"])
    with pytest.raises(InputError, match="NAME=YYYY-MM-DD"):
        vendors.add_vendor(store, "Bad", certifications=["SOC 2"])
    assert [x["name"] for x in vendors.list_vendors(store)] == ["LabelCo"]


def test_incident_lifecycle_steps_and_timeline(store: Store) -> None:
    incident_id = incidents.open_incident(store, "poisoned rows in train.csv", kind="training-data-poisoning",
                                          severity="high", assets=["data/train.csv"], atlas=["AML.T0043"],
                                          serious="serious")
    shown = incidents.show_incident(store, incident_id)
    assert shown["phase"] == "detect" and shown["clock"]["state"] == "due"
    assert "AML.T0020" in shown["atlas"] and "AML.T0043" in shown["atlas"]
    steps = len(shown["steps"])
    incidents.update_incident(store, incident_id, phase="contain", done=[1, 2], owner="ana", note="frozen")
    with pytest.raises(InputError, match="already at contain"):
        incidents.update_incident(store, incident_id, phase="detect")
    with pytest.raises(InputError, match=f"1..{steps}"):
        incidents.update_incident(store, incident_id, done=[steps + 1])
    with pytest.raises(InputError, match="ATLAS"):
        incidents.update_incident(store, incident_id, atlas=["AML.T9999"])
    incidents.update_incident(store, incident_id, reported_at=dt.datetime.now(dt.UTC))
    left = incidents.close_incident(store, incident_id, "rows removed")
    assert len(left) == steps - 2
    shown = incidents.show_incident(store, incident_id)
    assert shown["state"] == "closed" and shown["clock"]["state"] == "reported" and shown["owner"] == "ana"
    kinds = [e["kind"] for e in incidents.timeline(store, incident_id)]
    assert kinds == ["open", "phase", "owner", "step", "step", "note", "reported", "close"]
    with pytest.raises(InputError, match="closed"):
        incidents.update_incident(store, incident_id, note="late")
    with pytest.raises(InputError, match="--type"):
        incidents.open_incident(store, "x", kind="alien-invasion", severity="low")


def test_drill_is_recorded_complete_on_its_date(store: Store) -> None:
    drill_id = incidents.record_drill(store, "secret-leak", on=dt.date(2026, 3, 2))
    drill = incidents.show_incident(store, drill_id)
    assert drill["drill"] and drill["state"] == "closed" and drill["opened_at"].startswith("2026-03-02")
    assert all(s["done_at"] for s in drill["steps"])


def test_attestation_signed_verified_and_tamper_evident(store: Store, tmp_path) -> None:
    report = tmp_path / "pentest.pdf"
    report.write_bytes(b"%PDF-1.7 pentest report")
    today = dt.date.today()
    attestation_id = attestations.attest(store, "ps-1", statement="External pentest, no criticals open",
                                         evidence=str(report), expires=today + dt.timedelta(days=300))
    (row,) = attestations.list_attestations(store)
    assert row["state"] == "current" and row["control"] == "PS-1" and len(row["evidence_sha256"]) == 64
    key_file = store.home / attestations.KEY_FILE
    assert key_file.stat().st_mode & 0o077 == 0
    assert attestations.list_attestations(store, today + dt.timedelta(days=301))[0]["state"] == "expired"
    with store.session() as session:
        session.execute(update(Attestation).where(Attestation.id == attestation_id)
                        .values(statement="Pentest found nothing at all"))
    assert attestations.list_attestations(store)[0]["state"] == "invalid"
    assert verify(store).ok
    with pytest.raises(InputError, match="unknown control"):
        attestations.attest(store, "XX-9", statement="s", evidence="https://x", expires=today + dt.timedelta(1))
    with pytest.raises(InputError, match="future"):
        attestations.attest(store, "PS-5", statement="s", evidence="https://x", expires=today)
    with pytest.raises(InputError, match="no such file"):
        attestations.attest(store, "PS-5", statement="s", evidence=str(tmp_path / "nope"),
                            expires=today + dt.timedelta(1))


def test_attestation_by_a_foreign_key_is_invalid(store: Store) -> None:
    today = dt.date.today()
    attestations.attest(store, "PS-6", statement="HSM cages reviewed", evidence="https://wiki/hsm",
                        expires=today + dt.timedelta(days=30))
    (store.home / attestations.KEY_FILE).unlink()
    attestations.signer(store)  # someone replaces the key: old signatures no longer count
    assert attestations.list_attestations(store)[0]["state"] == "invalid"
