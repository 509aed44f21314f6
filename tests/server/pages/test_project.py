"""The project and control pages against a real server: controls by pillar as the API lists them,
new and fixed since the run before as the API's comparison, open findings per run as stored, mean
time to fix, framework coverage; a control's findings with remediation; 403 for another project."""

from __future__ import annotations

import html
import re

from tests.server.conftest import Org
from tests.server.pages.conftest import login


def test_project_page_matches_the_api(site: Org) -> None:
    with site.client("olga") as c:
        controls = c.get("/api/v1/projects/alpha/controls").json()
        runs = c.get("/api/v1/projects/alpha/assessments").json()["items"]
        compared = c.get(f"/api/v1/assessments/{runs[1]['id']}/compare/{runs[0]['id']}")
    with login(site, "olga") as c:
        r = c.get("/ui/projects/alpha")
    assert r.status_code == 200
    assert re.findall(r'<tr class="control-row" data-control="([A-Z]{2}-\d)">', r.text) == [
        x["id"] for x in sorted(controls, key=lambda x: ["DS", "MS", "PS", "CS", "HS"].index(x["id"][:2]))]
    assert compared.status_code == 200, compared.text
    body = compared.json()
    assert f'<strong id="new-count">{len(body["new"])}</strong>' in r.text
    assert f'<strong id="fixed-count">{len(body["fixed"])}</strong>' in r.text
    assert len(body["new"]) + len(body["fixed"]) > 0  # the second run added a manifest
    assert r.text.count('<tr data-severity="') == 5  # mean time to fix: one row per severity
    assert '<svg class="chart trend"' in r.text and "<rect" in r.text
    assert re.search(r'<tr data-framework="[a-z0-9-]+"><th scope="row">', r.text)


def test_fix_times_and_coverage() -> None:
    from secplan.server.pages.posture import coverage

    rows = coverage([{"status": "pass", "frameworks": {"iso-42001": ["A.1"], "owasp-ml": []}},
                     {"status": "fail", "frameworks": {"iso-42001": ["A.2"]}}])
    assert rows == [{"framework": "iso-42001", "title": rows[0]["title"], "mapped": 2, "passing": 1, "share": 0.5}]


def test_control_page_shows_findings_with_remediation(site: Org) -> None:
    with site.client("olga") as c:
        detail = c.get("/api/v1/projects/alpha/controls/HS-3").json()
    negative = [f for f in detail["results"] if f["outcome"] == "negative"]
    with login(site, "olga") as c:
        r = c.get("/ui/projects/alpha/controls/hs-3")
        missing = c.get("/ui/projects/alpha/controls/XX-9")
    assert r.status_code == 200 and r.text.count('<li class="finding"') == len(negative) > 0
    assert "Remediation:" in r.text and "documentation</a>" in r.text
    assert missing.status_code == 404 and "XX-9" in html.unescape(missing.text)


def test_another_projects_page_is_a_403(site: Org) -> None:
    with login(site, "bob") as c:
        r = c.get("/ui/projects/alpha")
        control = c.get("/ui/projects/alpha/controls/DS-1")
        unknown = c.get("/ui/projects/nowhere")
    assert r.status_code == 403 and control.status_code == 403 and "alpha" in r.text
    assert unknown.status_code == 404
