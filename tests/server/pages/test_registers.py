"""A project's registers against a real server: models with their versions (as the API lists them),
incidents open first with their owner, people and vendors with what is lapsing; 403 pages for a
person of another project."""

from __future__ import annotations

import datetime as dt
import re

from tests.server.conftest import Org
from tests.server.pages.conftest import login


def test_models_page_lists_the_apis_versions(site: Org) -> None:
    with site.client("olga") as c:
        versions = c.get("/api/v1/projects/alpha/models/churn/versions").json()
    with login(site, "olga") as c:
        r = c.get("/ui/projects/alpha/models")
    assert r.status_code == 200
    shown = re.findall(r'<tr class="version-row" data-version="([^"]+)">', r.text)
    assert shown == [v["version"] for v in reversed(versions)] and shown
    assert ("unsigned" in r.text) == (not versions[-1]["signed"])


def test_models_page_shows_live_alerts_only(site: Org) -> None:
    import uuid

    from secplan.model.monitor.records import AlertRow
    from secplan.store.base import utcnow

    store = site.store()
    try:
        with store.session() as session:
            for kind, resolved in (("extraction", None), ("drift", utcnow())):
                session.add(AlertRow(id=str(uuid.uuid4()), project_id=site.projects["alpha"], kind=kind,
                                     model="churn@1", client="client-7", score=0.93, threshold=0.5,
                                     message=f"{kind} suspected", window={}, atlas=[], count=3,
                                     resolved_at=resolved))
    finally:
        store.dispose()
    with login(site, "olga") as c:
        r = c.get("/ui/projects/alpha/models")
    kinds = re.findall(r'<tr class="alert-row" data-kind="([a-z-]+)">', r.text)
    assert kinds == ["extraction"] and "0.93 / 0.50" in r.text and "(3 detections)" in r.text


def test_incidents_open_first_with_owner(site: Org) -> None:
    with site.client("olga") as c:
        for title in ("old leak", "prompt injection in prod"):
            r = c.post("/api/v1/projects/alpha/incidents", json={"title": title, "type": "model-extraction",
                                                                 "severity": "high", "owner": "Dana Ops"})
            assert r.status_code == 201, r.text
    with login(site, "olga") as c:
        r = c.get("/ui/projects/alpha/incidents")
    assert r.status_code == 200
    states = re.findall(r'<tr class="incident-row" data-state="([a-z]+)">', r.text)
    assert states and states == sorted(states, key=lambda s: s != "open")
    assert "prompt injection in prod" in r.text and "Dana Ops" in r.text


def test_people_and_vendors(site: Org) -> None:
    with site.client("olga") as c:
        people = c.get("/api/v1/projects/alpha/people").json()
        vendors = c.get("/api/v1/projects/alpha/vendors").json()
    with login(site, "olga") as c:
        r = c.get("/ui/projects/alpha/people")
    assert r.status_code == 200
    assert r.text.count('<tr class="person-row"') == len(people) > 0
    assert r.text.count('<tr class="vendor-row"') == len(vendors) > 0
    assert "Dana Ops" in r.text and "LabelCo" in r.text


def test_lapse() -> None:
    from secplan.server.pages.registers import lapse

    today = dt.date(2026, 6, 1)
    assert lapse("2026-05-31", today) == "lapsed"
    assert lapse("2026-06-20", today) == "lapsing"
    assert lapse("2026-09-01", today) is None and lapse(None, today) is None and lapse("soon", today) is None


def test_another_projects_registers_are_403(site: Org) -> None:
    with login(site, "bob") as c:
        pages = [c.get(f"/ui/projects/alpha/{p}") for p in ("models", "incidents", "people")]
    assert [p.status_code for p in pages] == [403, 403, 403]
    assert all("alpha" in p.text for p in pages)
