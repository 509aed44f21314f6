"""The findings page against a real server: the filters are the API's (same rows, same totals),
pages follow a cursor to the end without repeats, a project the person may not read is a 403 page
with the reason, dependency findings group by package, and the export is the API's."""

from __future__ import annotations

import html
import re

from tests.server.conftest import Org
from tests.server.pages.conftest import login

ROW = re.compile(r'<tr class="finding-row" data-severity="([a-z]+)">')


def api(site: Org, who: str, path: str, **params: object) -> dict:
    with site.client(who) as c:
        r = c.get(path, params=params)
    assert r.status_code == 200, r.text
    return r.json()


def test_filters_match_the_api(site: Org) -> None:
    want = api(site, "lead", "/api/v1/findings", severity="high", page_size=200)
    with login(site, "lead") as c:
        r = c.get("/ui/findings", params={"severity": "high"})
    assert r.status_code == 200
    shown = ROW.findall(r.text)
    assert set(shown) <= {"high"} and len(shown) == want["total"] > 0
    assert f'<span class="count" id="total">{want["total"]}</span>' in r.text
    assert '<option selected>high</option>' in r.text  # the form shows what is applied


def test_cursor_pages_walk_every_row_once(site: Org) -> None:
    everything = api(site, "lead", "/api/v1/findings", project="alpha", page_size=200)
    assert everything["total"] > 3
    seen: list[str] = []
    with login(site, "lead") as c:
        href: str | None = "/ui/findings?project=alpha&size=3"
        while href:
            r = c.get(href.replace("&amp;", "&"))
            assert r.status_code == 200
            seen += re.findall(r'<p class="msg">(.*?)</p>', r.text, re.S)
            nxt = re.search(r'<a href="([^"]+)" rel="next">', r.text)
            href = nxt.group(1) if nxt else None
    assert len(seen) == everything["total"]


def test_a_project_out_of_reach_is_a_403_page_with_the_reason(site: Org) -> None:
    with login(site, "bob") as c:
        r = c.get("/ui/findings", params={"project": "alpha"})
    assert r.status_code == 403
    assert "Not allowed" in r.text and "alpha" in r.text and "<main" in r.text


def test_bad_filter_values_are_refused_precisely(site: Org) -> None:
    with login(site, "lead") as c:
        age = c.get("/ui/findings", params={"min_age": "soon"})
        sev = c.get("/ui/findings", params={"severity": "dire"})
        page = c.get("/ui/findings", params={"page": "forged"})
    assert age.status_code == 400 and "min_age 'soon'" in html.unescape(age.text)
    assert sev.status_code == 400 and "severity 'dire'" in html.unescape(sev.text)
    assert page.status_code == 400


def test_dependency_findings_grouped_by_package(site: Org) -> None:
    with login(site, "ben") as c:
        r = c.get("/ui/findings", params={"group": "package"})
    assert r.status_code == 200
    row = re.search(r'<tr class="package-row" data-package="flask">(.*?)</tr>', r.text, re.S)
    assert row, "beta pins flask 0.12, which has advisories"
    assert re.search(r'<td class="num">2</td>', row.group(1))
    assert "<strong>1.0</strong> fixes all 2" in row.group(1)


def test_one_fix_is_the_highest_first_fix() -> None:
    from secplan.server.pages.dependencies import one_fix

    assert one_fix([["1.0.1", "2.0.1"], ["1.2"], ["0.13"]]) == "1.2"
    assert one_fix([["1.0"], []]) is None


def test_export_is_the_apis(site: Org) -> None:
    with site.client("lead") as c:
        direct = c.get("/api/v1/findings/export", params={"severity": "high", "format": "csv"})
    with login(site, "lead") as c:
        page = c.get("/ui/findings", params={"severity": "high"})
        link = re.search(r'<a href="(/ui/findings/export\?[^"]+format=csv)"', page.text).group(1)
        r = c.get(link.replace("&amp;", "&"))
        bad = c.get("/ui/findings/export", params={"format": "xml"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    assert r.text == direct.text and r.text.count("\n") > 1
    assert bad.status_code == 400
