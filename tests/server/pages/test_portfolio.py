"""Login, logout and the portfolio against a real server: a token logs its user in with exactly the
token's reach, forms without the session's CSRF value are refused, and the portfolio lists projects
worst first with a trend drawn from the stored assessments."""

from __future__ import annotations

import re

import httpx

from tests.server.conftest import Org, wait_until
from tests.server.pages.conftest import csrf_of, login


def test_pages_need_a_session(site: Org) -> None:
    with httpx.Client(base_url=site.url, timeout=30) as c:
        r = c.get("/ui/findings?severity=high")
    assert r.status_code == 303
    assert r.headers["location"].startswith("/ui/login?next=%2Fui%2Ffindings%3Fseverity%3Dhigh")


def test_a_bad_token_is_refused_with_a_reason(site: Org) -> None:
    with httpx.Client(base_url=site.url, timeout=30) as c:
        form = c.get("/ui/login")
        bad = c.post("/ui/login", data={"token": site.tokens["vera-revoked"], "csrf": csrf_of(form.text)})
        forged = c.post("/ui/login", data={"token": site.tokens["vera"], "csrf": "forged"})
    assert bad.status_code == 401 and "revoked token" in bad.text and "secplan_page=" not in bad.headers.get(
        "set-cookie", "")
    assert site.tokens["vera-revoked"] not in bad.text
    assert forged.status_code == 403 and "not sent from this site" in forged.text


def test_session_cookie_is_strict_and_http_only(site: Org) -> None:
    with httpx.Client(base_url=site.url, timeout=30) as c:
        form = c.get("/ui/login")
        r = c.post("/ui/login", data={"token": site.tokens["lead"], "csrf": csrf_of(form.text), "next": "//evil"})
    cookie = next(v for k, v in r.headers.multi_items() if k == "set-cookie" and v.startswith("secplan_page="))
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie.replace("Strict", "strict")
    assert r.headers["location"] == "/ui/"
    assert site.tokens["lead"].split("_", 2)[2] not in cookie


def test_portfolio_worst_first_with_trend(site: Org) -> None:
    with login(site, "lead") as c:
        r = c.get("/ui/")
        api = c.get("/api/v1/projects", headers={"Authorization": f"Bearer {site.tokens['lead']}"}).json()
    assert r.status_code == 200
    assert "style-src 'self'" in r.headers["content-security-policy"] and r.headers["cache-control"] == "no-store"
    shown = re.findall(r'<tr class="project-row" data-project="([^"]+)"', r.text)
    assert shown == [p["name"] for p in api["items"]] and sorted(shown) == ["alpha", "beta"]
    alpha = r.text.split('data-project="alpha"')[1].split("</tr>")[0]
    assert '<svg class="spark"' in alpha and "<polyline" in alpha  # two stored runs draw a line


def test_sparkline_geometry() -> None:
    from secplan.server.pages.web import sparkline

    assert sparkline([7.0]) is None and sparkline([None, 5.0]) is None
    line = sparkline([0.0, None, 10.0], width=106, height=26)
    assert line is not None and line["points"] == "3.0,23.0 103.0,3.0" and line["newest"] == 10.0


def test_a_project_bound_token_sees_its_project_only(site: Org) -> None:
    with login(site, "bob") as c:
        r = c.get("/ui/")
    assert re.findall(r'data-project="([^"]+)"', r.text) == ["beta"]


def test_logout_needs_the_csrf_value_and_ends_the_session(site: Org) -> None:
    with login(site, "vera") as c:
        page = c.get("/ui/")
        refused = c.post("/ui/logout", data={"csrf": "wrong"})
        still = c.get("/ui/")
        out = c.post("/ui/logout", data={"csrf": csrf_of(page.text)})
        after = c.get("/ui/")
    assert refused.status_code == 403 and "CSRF" in refused.text
    assert still.status_code == 200
    assert out.status_code == 303 and after.status_code == 303


def test_the_api_does_not_take_the_dashboard_cookie(site: Org) -> None:
    with login(site, "lead") as c:
        r = c.get("/api/v1/projects")
    assert r.status_code == 401


def test_a_revoked_token_ends_its_session(site: Org) -> None:
    from secplan.human import accounts
    from tests.server.conftest import project_store

    with project_store(site.env, site.root / "alpha") as store:
        extra = accounts.create_token(store, "vera", scope="read").token
    site.tokens["vera-extra"] = extra
    with login(site, "vera-extra") as c:
        assert c.get("/ui/").status_code == 200
        with project_store(site.env, site.root / "alpha") as store:
            accounts.revoke_token(store, extra)
        wait_until(lambda: c.get("/ui/").status_code == 303)  # within the session check's second
        after = c.get("/ui/")
    assert after.status_code == 303 and "revoked" in after.headers["location"]


def test_login_attempts_are_rate_limited(site: Org) -> None:
    from tests.server.conftest import Server

    strict = Server(site, "--rate", "2/minute")
    try:
        strict.wait()
        with httpx.Client(base_url=strict.url, timeout=30) as c:
            csrf = csrf_of(c.get("/ui/login").text)
            answers = [c.post("/ui/login", data={"token": "spt_0000000000000000_wrong", "csrf": csrf})
                       for _ in range(3)]
    finally:
        strict.stop()
    assert [a.status_code for a in answers[:2]] == [401, 401]
    assert answers[2].status_code == 429 and int(answers[2].headers["retry-after"]) >= 1
    assert "too many login attempts" in answers[2].text
