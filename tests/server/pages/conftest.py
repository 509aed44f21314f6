"""Dashboard fixtures: the control-plane organisation of ``tests/server/conftest.py`` with its
assessments uploaded (alpha twice, beta once) and an approval request waiting, and a way to log in."""

from __future__ import annotations

import contextlib
import copy
import re
from collections.abc import Iterator

import httpx
import pytest

from tests.server.conftest import Org

CSRF = re.compile(r'name="csrf" value="([^"]+)"')


@pytest.fixture(scope="module")
def site(org: Org) -> Org:
    """``org`` with its history on the server, seeded once per module."""
    return populate(org)


def populate(org: Org) -> Org:
    """Upload alpha's two runs and beta's two (the second with advisories) and ask for one approval."""
    for key, who, project in (("alpha-1", "ci", "alpha"), ("beta-1", "ben", "beta"), ("alpha-2", "ci", "alpha")):
        with org.client(who) as c:
            r = c.post("/api/v1/assessments", json={"report": org.reports[key], "project": org.projects[project],
                                                    "branch": "main", "commit": "b" * 40})
        assert r.status_code == 201, r.text
    with org.client("ben") as c:
        r = c.post("/api/v1/assessments", json={"report": with_advisories(org.reports["beta-1"]),
                                                "project": org.projects["beta"], "branch": "main"})
    assert r.status_code == 201, r.text
    with org.client("olga") as c:
        r = c.post("/api/v1/projects/alpha/approvals",
                   json={"action": "model.promote", "target": "model:churn@1", "reason": "release to production"})
    assert r.status_code == 201, r.text
    return org


def with_advisories(report: dict) -> dict:
    """``report`` with two advisories against beta's pinned flask 0.12 under PS-1, as the offline OSV
    database reports them (the test machine has no advisory snapshot): one fixed in 0.12.3 or 1.0,
    one only in 1.0, so 1.0 is the one upgrade that fixes both."""
    doc = copy.deepcopy(report)
    control = next(c for c in doc["controls"] if c["id"] == "PS-1")
    template = next(f for c in doc["controls"] for f in c["findings"] if f.get("outcome") == "negative")
    for n, (advisory, fixed, severity) in enumerate((("PYSEC-2018-66", ["0.12.3", "1.0"], "high"),
                                                     ("PYSEC-2019-179", ["1.0"], "medium"))):
        control["findings"].append({**copy.deepcopy(template), "id": f"vulnerable-dependency/flask-{n}",
                                    "probe": "vulnerable-dependency", "control": "PS-1", "severity": severity,
                                    "state": "open", "message": f"flask 0.12 is affected by {advisory}",
                                    "location": {"path": "requirements.txt", "line": 1},
                                    "details": {"package": "flask", "version": "0.12", "advisories": [advisory],
                                                "fixed": fixed}})
    return doc


def csrf_of(html: str) -> str:
    found = CSRF.search(html)
    assert found, "the page has no CSRF field"
    return found.group(1)


@contextlib.contextmanager
def login(org: Org, who: str) -> Iterator[httpx.Client]:
    """A browser-like client logged in to the dashboard with ``who``'s token."""
    with httpx.Client(base_url=org.url, timeout=60) as client:
        form = client.get("/ui/login")
        assert form.status_code == 200
        r = client.post("/ui/login", data={"token": org.tokens[who], "csrf": csrf_of(form.text), "next": "/ui/"})
        assert r.status_code == 303, r.text
        yield client


def new_request(org: Org, who: str = "olga", target: str = "model:churn@1") -> int:
    """A fresh pending request for a sensitive action, asked through the API by ``who``."""
    with org.client(who) as c:
        r = c.post("/api/v1/projects/alpha/approvals", json={"action": "model.promote", "target": target,
                                                            "reason": "release"})
    assert r.status_code == 201, r.text
    return r.json()["id"]
