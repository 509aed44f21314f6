"""The dashboard in a real headless Chromium (Playwright) against a real server on loopback: log in
with a token, open the portfolio, filter findings, approve a request as a second person, see the
requester's own request refused, verify the ledger and prove an entry; every page stays within a
420 px screen and is reachable with the keyboard. One organisation (SQLite) for the module."""

from __future__ import annotations

import shutil
from collections.abc import Iterator

import httpx
import pytest

from tests.server.conftest import Org, Server, database, seed, server_env
from tests.server.pages.conftest import new_request

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = [pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed (apt-get install -y chromium)")]


@pytest.fixture(scope="module")
def org(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Org]:
    """One organisation on SQLite: the browser checks pages, the API tests cover both backends."""
    root = tmp_path_factory.mktemp("org-browser")
    with database("sqlite", root) as db_url:
        found = Org(root, db_url, server_env(root, db_url))
        seed(found)
        server = Server(found, "--rate", "1000/second")
        try:
            server.wait()
            found.url = server.url
            yield found
        finally:
            server.stop()


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield launched
        launched.close()


def open_as(browser, org: Org, who: str, width: int = 1280):
    page = browser.new_context(viewport={"width": width, "height": 900}).new_page()
    page.goto(f"{org.url}/ui/")
    assert "/ui/login" in page.url
    page.get_by_label("API token").fill(org.tokens[who])
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"{org.url}/ui/")
    return page


def no_sideways_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_log_in_and_open_the_portfolio(browser, site: Org) -> None:
    page = open_as(browser, site, "lead")
    rows = page.locator("tr.project-row")
    assert rows.count() == 2
    with httpx.Client(base_url=site.url, headers={"Authorization": f"Bearer {site.tokens['lead']}"}) as c:
        worst = c.get("/api/v1/projects").json()["items"][0]["name"]
    assert rows.first.get_attribute("data-project") == worst
    assert page.locator('tr.project-row[data-project="alpha"] svg.spark polyline').count() == 1
    page.get_by_role("button", name="Log out").click()
    page.wait_for_url("**/ui/login**")
    page.goto(f"{site.url}/ui/")
    assert "/ui/login" in page.url


def test_the_login_form_works_from_the_keyboard(browser, site: Org) -> None:
    page = browser.new_context().new_page()
    page.goto(f"{site.url}/ui/login")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Skip to content"
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "token"
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline not in ("none", "")
    page.keyboard.type(site.tokens["vera"])
    page.keyboard.press("Enter")
    page.wait_for_url(f"{site.url}/ui/")
    assert page.locator("main h1, header h1").first.inner_text() == "Portfolio"


def test_filter_findings(browser, site: Org) -> None:
    page = open_as(browser, site, "lead")
    page.get_by_role("link", name="Findings").click()
    total = int(page.locator("#total").inner_text())
    page.get_by_label("Severity").select_option("medium")
    page.get_by_label("Project").select_option("alpha")
    page.get_by_role("button", name="Filter").click()
    page.wait_for_url("**severity=medium**")
    severities = set(page.locator("tr.finding-row").evaluate_all("rows => rows.map(r => r.dataset.severity)"))
    assert severities == {"medium"}
    assert 0 < int(page.locator("#total").inner_text()) < total
    assert page.get_by_label("Severity").input_value() == "medium"


def test_approve_as_a_second_person_and_the_requester_is_refused(browser, site: Org) -> None:
    request_id = new_request(site)
    requester = open_as(browser, site, "olga")
    requester.get_by_role("link", name="Approvals").click()
    mine = requester.locator(f'tr[data-request="{request_id}"]')
    assert "two-person rule" in mine.locator(".why-not").inner_text()
    assert mine.get_by_role("button", name=f"Approve request {request_id}").count() == 0
    approver = open_as(browser, site, "sam")
    approver.get_by_role("link", name="Approvals").click()
    approver.get_by_role("button", name=f"Approve request {request_id}").click()
    approver.wait_for_url("**/ui/approvals?done=**")
    assert f"Request {request_id} is now approved" in approver.locator("main").inner_text()
    assert approver.locator(f'tr[data-request="{request_id}"]').count() == 0


def test_verify_the_ledger_and_prove_an_entry(browser, site: Org) -> None:
    page = open_as(browser, site, "audra")
    page.get_by_role("link", name="Audit").click()
    page.get_by_role("link", name="Verify the whole ledger").click()
    assert "The ledger verifies." in page.locator("#verdict").inner_text()
    page.go_back()
    first = page.locator("tr.entry-row").first
    seq = first.get_attribute("data-seq")
    first.get_by_role("link", name=f"Prove entry {seq}").click()
    assert page.locator("#verdict").inner_text().startswith("Proved.")


@pytest.mark.parametrize("path", ["/ui/", "/ui/findings", "/ui/findings?group=package", "/ui/approvals",
                                  "/ui/projects/alpha", "/ui/projects/alpha/controls/HS-3",
                                  "/ui/projects/alpha/models", "/ui/projects/alpha/incidents",
                                  "/ui/projects/alpha/people"])
def test_pages_fit_a_420_px_screen(browser, site: Org, path: str) -> None:
    page = open_as(browser, site, "olga", width=420)
    page.goto(site.url + path)
    assert page.locator("main").count() == 1 and page.locator("nav").count() >= 1
    assert no_sideways_scroll(page), f"{path} scrolls sideways at 420 px"


def test_audit_pages_fit_a_420_px_screen(browser, site: Org) -> None:
    page = open_as(browser, site, "audra", width=420)
    for path in ("/ui/audit", "/ui/audit/entries/1", "/ui/audit/verify"):
        page.goto(site.url + path)
        assert no_sideways_scroll(page), f"{path} scrolls sideways at 420 px"
