"""The REST API against a real server: resources, access, pagination, ETags, headers, the ledger."""

from __future__ import annotations

import csv
import io

import pytest

from secplan.assess.changes import open_findings
from secplan.ledger.query import find
from tests.server.conftest import Org


@pytest.fixture(scope="module")
def uploaded(org: Org) -> dict[str, int]:
    """Alpha twice (the second run adds a dependency manifest) by ci, beta once by ben."""
    ids = {}
    for key, who, project in (("alpha-1", "ci", "alpha"), ("beta-1", "ben", "beta"), ("alpha-2", "ci", "alpha")):
        with org.client(who) as c:
            r = c.post("/api/v1/assessments", json={"report": org.reports[key], "project": org.projects[project],
                                                    "branch": "main", "commit": "a" * 40,
                                                    "pipeline": f"https://ci.example.com/{key}"})
        assert r.status_code == 201, r.text
        ids[key] = r.json()["id"]
    return ids


def denials(org: Org, actor: str) -> list[dict]:
    import json

    store = org.store()
    try:
        return [json.loads(e.details) | {"object": e.object} for e in find(store, action="access.deny", actor=actor)]
    finally:
        store.dispose()


def test_upload_keeps_history_and_counts_new_and_fixed_against_the_branch(org: Org, uploaded: dict[str, int]) -> None:
    before = {f.id for f in open_findings(org.reports["alpha-1"])}
    after = {f.id for f in open_findings(org.reports["alpha-2"])}
    with org.client("vera") as c:
        second = c.get(f"/api/v1/assessments/{uploaded['alpha-2']}").json()
        listed = c.get(f"/api/v1/projects/{org.projects['alpha']}/assessments").json()
        compared = c.get(f"/api/v1/assessments/{uploaded['alpha-1']}/compare/{uploaded['alpha-2']}").json()
    assert second["changed"] == {"new": len(after - before), "fixed": len(before - after)}
    assert before - after, "the manifest should have fixed something"
    assert second["commit"] == "a" * 40 and second["uploaded_by"] == "ci" and second["branch"] == "main"
    assert [a["id"] for a in listed["items"]] == [uploaded["alpha-2"], uploaded["alpha-1"]]
    assert listed["total"] == 2 and listed["next_page_token"] is None
    assert {f["id"] for f in compared["fixed"]} == before - after
    assert {f["id"] for f in compared["new"]} == after - before
    store = org.store()
    try:
        entries = [e for e in find(store, action="assessments.upload") if e.object == f"assessment:{uploaded['alpha-2']}"]
    finally:
        store.dispose()
    assert len(entries) == 1 and entries[0].actor == "ci"


def test_a_viewer_cannot_write_and_the_denial_is_ledgered(org: Org, uploaded: dict[str, int]) -> None:
    with org.client("bob") as c:
        r = c.post("/api/v1/assessments", json={"report": org.reports["beta-1"], "project": org.projects["beta"]})
    assert r.status_code == 403
    assert "may not write assessment" in r.json()["error"]["message"]
    assert any(d["action"] == "write" and d["project_id"] == org.projects["beta"] for d in denials(org, "bob"))


def test_a_user_of_one_project_cannot_read_another(org: Org, uploaded: dict[str, int]) -> None:
    beta = org.projects["beta"]
    with org.client("vera") as c:
        answers = [c.get(f"/api/v1/projects/{beta}"), c.get("/api/v1/findings", params={"project": beta}),
                   c.get(f"/api/v1/projects/{beta}/assessments"), c.get(f"/api/v1/assessments/{uploaded['beta-1']}"),
                   c.get(f"/api/v1/projects/{beta}/controls")]
    for r in answers:
        assert r.status_code == 403, r.text
        assert r.json()["error"]["code"] == "forbidden"
        assert "token is for project" in r.json()["error"]["message"]
    refused = [d for d in denials(org, "vera") if d["project_id"] == beta]
    assert len(refused) >= len(answers)


def test_the_portfolio_shows_what_the_caller_may_see_worst_first(org: Org, uploaded: dict[str, int]) -> None:
    with org.client("lead") as c:
        everyone = c.get("/api/v1/projects").json()
    with org.client("vera") as c:
        own = c.get("/api/v1/projects").json()
    names = [p["name"] for p in everyone["items"]]
    assert sorted(names) == ["alpha", "beta"] and everyone["total"] == 2
    scores = [p["score"] for p in everyone["items"]]
    assert scores == sorted(scores)
    by_name = {p["name"]: p for p in everyone["items"]}
    assert by_name["alpha"]["assessment"] == uploaded["alpha-2"]
    assert by_name["alpha"]["score"] == org.reports["alpha-2"]["score"]
    assert by_name["alpha"]["pillars"] == {p["id"]: p["score"] for p in org.reports["alpha-2"]["pillars"]}
    assert by_name["alpha"]["trend"] == [org.reports["alpha-1"]["score"], org.reports["alpha-2"]["score"]]
    assert [p["name"] for p in own["items"]] == ["alpha"] and own["total"] == 1


def test_findings_pages_cover_every_match_once_and_filters_hold(org: Org, uploaded: dict[str, int]) -> None:
    expected = sum(1 for c in org.reports["alpha-2"]["controls"] for f in c["findings"] if f["outcome"] == "negative")
    expected += sum(1 for c in org.reports["beta-1"]["controls"] for f in c["findings"] if f["outcome"] == "negative")
    seen, token = [], None
    with org.client("lead") as c:
        while True:
            page = c.get("/api/v1/findings", params={"page_size": 2, **({"page_token": token} if token else {})}).json()
            assert page["total"] == expected
            seen += page["items"]
            token = page["next_page_token"]
            if token is None:
                break
        ranks = {"critical": 4, "high": 3, "medium": 2, "low": 1, "info": 0}
        assert [ranks[f["severity"]] for f in seen] == sorted((ranks[f["severity"]] for f in seen), reverse=True)
        assert len({f["id"] for f in seen}) == len(seen) == expected
        medium = c.get("/api/v1/findings", params={"severity": "medium", "page_size": 500}).json()
        assert medium["items"] and all(f["severity"] == "medium" for f in medium["items"])
        assert medium["total"] == sum(1 for f in seen if f["severity"] == "medium")
        control = seen[0]["control"]
        by_control = c.get("/api/v1/findings", params={"control": control, "page_size": 500}).json()
        assert {f["control"] for f in by_control["items"]} == {control}
        by_pillar = c.get("/api/v1/findings", params={"pillar": "HS", "page_size": 500}).json()
        assert all(f["pillar"] == "HS" for f in by_pillar["items"])
        alpha = c.get("/api/v1/findings", params={"project": "alpha", "state": "open", "page_size": 500}).json()
        assert {f["project"] for f in alpha["items"]} == {"alpha"}
        old = c.get("/api/v1/findings", params={"min_age_days": 1}).json()
        assert old["total"] == 0  # everything was first seen today
        fresh = c.get("/api/v1/findings", params={"max_age_days": 0}).json()
        assert fresh["total"] == expected
        first = c.get("/api/v1/findings", params={"page_size": 1}).json()
        forged = first["next_page_token"][:-2] + ("AA" if not first["next_page_token"].endswith("AA") else "BB")
        assert c.get("/api/v1/findings", params={"page_token": forged}).status_code == 400
        other = c.get("/api/v1/findings", params={"page_token": first["next_page_token"], "severity": "low"})
        assert other.status_code == 400 and "other filters" in other.json()["error"]["message"]


def test_export_holds_every_match_in_csv_and_json(org: Org, uploaded: dict[str, int]) -> None:
    with org.client("lead") as c:
        total = c.get("/api/v1/findings").json()["total"]
        as_csv = c.get("/api/v1/findings/export", params={"format": "csv"})
        as_json = c.get("/api/v1/findings/export", params={"format": "json"})
    rows = list(csv.DictReader(io.StringIO(as_csv.text)))
    assert len(rows) == total == len(as_json.json()["items"])
    assert as_csv.headers["content-type"].startswith("text/csv")
    assert {r["fingerprint"] for r in rows} == {f["fingerprint"] for f in as_json.json()["items"]}


def test_controls_and_waivers_come_from_the_current_assessment(org: Org, uploaded: dict[str, int]) -> None:
    report = org.reports["alpha-2"]
    with org.client("vera") as c:
        controls = c.get("/api/v1/projects/alpha/controls").json()
        detail = c.get("/api/v1/projects/alpha/controls/hs-3").json()
        waivers = c.get("/api/v1/projects/alpha/waivers").json()
        missing = c.get("/api/v1/projects/alpha/controls/XX-9")
    assert [x["id"] for x in controls] == [x["id"] for x in report["controls"]]
    assert {x["id"]: x["status"] for x in controls} == {x["id"]: x["status"] for x in report["controls"]}
    hs3 = next(x for x in report["controls"] if x["id"] == "HS-3")
    assert detail["results"] == hs3["findings"] and detail["asks"] == hs3["asks"]
    assert waivers == report["waivers"]
    assert missing.status_code == 404


@pytest.mark.parametrize("token", [None, "vera-revoked", "vera-expired", "malformed"])
def test_missing_revoked_expired_and_bad_tokens_are_refused_and_ledgered(org: Org, token: str | None) -> None:
    if token == "malformed":
        org.tokens["malformed"] = "spt_nothing"
    with org.client(token) as c:
        r = c.get("/api/v1/projects")
    assert r.status_code == 401
    assert r.headers["www-authenticate"].startswith("Bearer")
    assert r.json()["error"]["code"] == "unauthenticated"
    if token in ("vera-revoked", "vera-expired"):
        token_id = org.tokens[token].split("_")[1]
        reason = "revoked token" if token == "vera-revoked" else "expired token"
        assert reason in r.json()["error"]["message"]
        assert org.tokens[token] not in r.text
        assert any(d["action"] == "authenticate" and reason in d["reason"]
                   for d in denials(org, f"token:{token_id}"))


def test_etags_security_and_rate_limit_headers(org: Org, uploaded: dict[str, int]) -> None:
    with org.client("vera") as c:
        first = c.get("/api/v1/projects/alpha")
        again = c.get("/api/v1/projects/alpha", headers={"If-None-Match": first.headers["etag"]})
    assert first.status_code == 200 and again.status_code == 304 and again.content == b""
    assert again.headers["etag"] == first.headers["etag"]
    for name in ("content-security-policy", "x-content-type-options", "referrer-policy", "ratelimit-limit",
                 "ratelimit-remaining", "ratelimit-policy"):
        assert name in first.headers
    assert "frame-ancestors 'none'" in first.headers["content-security-policy"]
    assert first.headers["x-content-type-options"] == "nosniff"
    assert int(first.headers["ratelimit-limit"]) == 1000
    assert "strict-transport-security" not in first.headers  # no TLS here


def test_an_oversized_upload_is_refused_before_it_is_read(org: Org) -> None:
    with org.client("ci") as c:
        r = c.post("/api/v1/assessments", content=b"{" + b" " * 21_000_000 + b"}",
                   headers={"content-type": "application/json"})
    assert r.status_code == 413 and r.json()["error"]["code"] == "too_large"


def test_an_oversized_chunked_upload_is_refused_while_it_is_read(org: Org) -> None:
    def chunks():
        for _ in range(30):
            yield b" " * 1_000_000

    with org.client("ci") as c:
        r = c.post("/api/v1/assessments", content=chunks(), headers={"content-type": "application/json"})
    assert r.status_code == 413 and r.json()["error"]["code"] == "too_large"


def test_an_invalid_report_is_a_precise_422(org: Org) -> None:
    with org.client("ci") as c:
        r = c.post("/api/v1/assessments", json={"report": {"version": "1.0"}})
    assert r.status_code == 422 and r.json()["error"]["message"].startswith("report.")


def _current_findings(org: Org, who: str) -> dict:
    with org.client(who) as c:
        r = c.get("/api/v1/findings", params={"page_size": 500})
    assert r.status_code == 200, r.text
    return r.json()


def test_kept_answers_follow_the_caller_and_every_upload(org: Org, uploaded: dict[str, int]) -> None:
    """Answers kept by the server are per caller's projects, checked for access first, and an upload
    shows at once. Runs last in this module: it stores a newer alpha assessment."""
    lead, vera, bob = (_current_findings(org, who) for who in ("lead", "vera", "bob"))
    assert {f["project"] for f in vera["items"]} == {"alpha"}
    assert {f["project"] for f in bob["items"]} == {"beta"}
    assert {f["project"] for f in lead["items"]} == {"alpha", "beta"}
    assert vera["total"] + bob["total"] == lead["total"]
    assert _current_findings(org, "vera") == vera  # the kept answer, the same as the first
    with org.client("bob") as c:  # vera's kept answer for alpha never reaches bob
        refused = c.get("/api/v1/findings", params={"project": "alpha", "page_size": 500})
    assert refused.status_code == 403 and "items" not in refused.json()
    assert any(d["project_id"] == org.projects["alpha"] for d in denials(org, "bob"))
    with org.client("ci") as c:  # alpha's first report again, as its newest assessment
        r = c.post("/api/v1/assessments", json={"report": org.reports["alpha-1"], "project": org.projects["alpha"],
                                                "branch": "main", "commit": "b" * 40})
    assert r.status_code == 201, r.text
    newest = r.json()["id"]
    expected = sum(1 for c in org.reports["alpha-1"]["controls"] for f in c["findings"] if f["outcome"] == "negative")
    after = _current_findings(org, "vera")
    assert {f["assessment"] for f in after["items"]} == {newest} and after["total"] == expected
    with org.client("lead") as c:
        portfolio = {p["name"]: p for p in c.get("/api/v1/projects").json()["items"]}
    assert portfolio["alpha"]["assessment"] == newest
    assert portfolio["alpha"]["score"] == org.reports["alpha-1"]["score"]
    assert portfolio["alpha"]["trend"][-1] == org.reports["alpha-1"]["score"]


def test_a_kept_answer_is_refused_once_its_token_is_revoked(org: Org, uploaded: dict[str, int]) -> None:
    from secplan.human import accounts
    from tests.server.conftest import project_store, wait_until

    with project_store(org.env, org.root / "alpha") as store:
        token = accounts.create_token(store, "vera", scope="read").token
    org.tokens["vera-soon-revoked"] = token
    assert _current_findings(org, "vera-soon-revoked")["items"]
    with project_store(org.env, org.root / "alpha") as store:
        accounts.revoke_token(store, token)

    def refused() -> bool:
        with org.client("vera-soon-revoked") as c:
            return c.get("/api/v1/findings", params={"page_size": 500}).status_code == 401

    wait_until(refused)  # the process rereads a token's row at least once a second
