"""Dashboard fixtures: the control-plane organisation of ``tests/server/conftest.py`` with its
assessments uploaded (alpha twice, beta once) and an approval request waiting, and a way to log in."""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterator

import httpx
import pytest

from tests.server.conftest import Org

CSRF = re.compile(r'name="csrf" value="([^"]+)"')


@pytest.fixture(scope="module")
def site(org: Org) -> Org:
    """``org`` with its history on the server, seeded once per module."""
    for key, who, project in (("alpha-1", "ci", "alpha"), ("beta-1", "ben", "beta"), ("alpha-2", "ci", "alpha")):
        with org.client(who) as c:
            r = c.post("/api/v1/assessments", json={"report": org.reports[key], "project": org.projects[project],
                                                    "branch": "main", "commit": "b" * 40})
        assert r.status_code == 201, r.text
    with org.client("olga") as c:
        r = c.post("/api/v1/projects/alpha/approvals",
                   json={"action": "model.promote", "target": "model:churn@1", "reason": "release to production"})
    assert r.status_code == 201, r.text
    return org


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
