"""The approvals queue against a real server: a second person approves through a CSRF-checked
form, the requester is told why they cannot approve their own request and is refused if they try,
a person without ``approve`` cannot decide, and the API sees the same decision."""

from __future__ import annotations

import html
import re

from tests.server.conftest import Org
from tests.server.pages.conftest import csrf_of, login, new_request


def row(page: str, request_id: int) -> str:
    found = re.search(rf'<tr class="request-row" data-request="{request_id}">(.*?)</tr>', page, re.S)
    assert found, f"request {request_id} is not in the queue"
    return html.unescape(found.group(1))


def state_of(site: Org, request_id: int) -> dict:
    with site.client("olga") as c:
        return next(r for r in c.get("/api/v1/projects/alpha/approvals").json() if r["id"] == request_id)


def test_a_second_person_approves(site: Org) -> None:
    request_id = new_request(site)
    with login(site, "sam") as c:
        page = c.get("/ui/approvals")
        assert 'value="approve"' in row(page.text, request_id)
        r = c.post(f"/ui/approvals/alpha/{request_id}", data={"csrf": csrf_of(page.text), "decision": "approve"})
        after = c.get(r.headers["location"])
    assert r.status_code == 303
    assert f"Request {request_id} is now approved" in after.text
    decided = state_of(site, request_id)
    assert decided["state"] == "approved" and decided["decided_by"] == "sam"


def test_the_requester_sees_why_and_is_refused(site: Org) -> None:
    request_id = new_request(site)
    with login(site, "olga") as c:
        page = c.get("/ui/approvals")
        mine = row(page.text, request_id)
        forced = c.post(f"/ui/approvals/alpha/{request_id}", data={"csrf": csrf_of(page.text), "decision": "approve"})
    assert "You requested this" in mine and "two-person rule" in mine and 'value="approve"' not in mine
    assert forced.status_code == 403 and "two-person rule" in html.unescape(forced.text)
    assert state_of(site, request_id)["state"] == "pending"


def test_without_approve_permission_no_decision(site: Org) -> None:
    request_id = new_request(site)
    with login(site, "ci") as c:
        page = c.get("/ui/approvals")
        forced = c.post(f"/ui/approvals/alpha/{request_id}", data={"csrf": csrf_of(page.text), "decision": "approve"})
    assert "no <code>approve</code> permission" in html.unescape(page.text).replace("&lt;", "<")
    assert forced.status_code == 403 and "approve" in forced.text
    assert state_of(site, request_id)["state"] == "pending"


def test_a_form_without_the_session_csrf_value_is_refused(site: Org) -> None:
    request_id = new_request(site)
    with login(site, "sam") as c:
        missing = c.post(f"/ui/approvals/alpha/{request_id}", data={"decision": "approve"})
        other = c.post(f"/ui/approvals/alpha/{request_id}", data={"decision": "approve", "csrf": "x" * 43})
        odd = c.post(f"/ui/approvals/alpha/{request_id}", data={"decision": "maybe",
                                                               "csrf": csrf_of(c.get("/ui/approvals").text)})
    assert missing.status_code == 403 and other.status_code == 403 and "CSRF" in missing.text
    assert odd.status_code == 400
    assert state_of(site, request_id)["state"] == "pending"


def test_a_person_denies(site: Org) -> None:
    request_id = new_request(site)
    with login(site, "sam") as c:
        page = c.get("/ui/approvals")
        r = c.post(f"/ui/approvals/alpha/{request_id}", data={"csrf": csrf_of(page.text), "decision": "deny"})
    assert r.status_code == 303 and state_of(site, request_id)["state"] == "rejected"


def test_a_person_of_another_project_is_refused(site: Org) -> None:
    request_id = new_request(site)
    with login(site, "bob") as c:
        page = c.get("/ui/approvals")
        forced = c.post(f"/ui/approvals/alpha/{request_id}", data={"csrf": csrf_of(page.text), "decision": "deny"})
    assert forced.status_code == 403 and "alpha" in forced.text
    assert f'data-request="{request_id}"' not in page.text
