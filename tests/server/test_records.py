"""Governance, registry and audit resources against a real server: approvals with the two-person
rule, incidents, people, vendors, attestations, keys (metadata only), models, and the ledger with
proofs that verify with the public key alone."""

from __future__ import annotations

import json

from secplan.ledger.entry import Entry
from secplan.ledger.merkle import leaf_hash
from secplan.ledger.query import find
from tests.server.conftest import Org


def test_the_two_person_rule_holds_through_the_api(org: Org) -> None:
    with org.client("olga") as c:
        asked = c.post("/api/v1/projects/alpha/approvals",
                       json={"action": "model.promote", "target": "model:churn@1", "reason": "release"})
        assert asked.status_code == 201, asked.text
        request_id = asked.json()["id"]
        own = c.post(f"/api/v1/projects/alpha/approvals/{request_id}/decide", json={"approve": True})
    assert own.status_code == 403 and "two-person rule" in own.json()["error"]["message"]
    with org.client("ci") as c:
        engineer = c.post(f"/api/v1/projects/alpha/approvals/{request_id}/decide", json={"approve": True})
    assert engineer.status_code == 403 and "missing permission 'approve'" in engineer.json()["error"]["message"]
    with org.client("sam") as c:
        decided = c.post(f"/api/v1/projects/alpha/approvals/{request_id}/decide", json={"approve": True})
        queue = c.get("/api/v1/projects/alpha/approvals", params={"state": "approved"}).json()
        missing = c.post("/api/v1/projects/alpha/approvals/999999/decide", json={"approve": True})
    assert decided.status_code == 200 and decided.json()["state"] == "approved"
    assert decided.json()["decided_by"] == "sam" and decided.json()["requester"] == "olga"
    assert request_id in [r["id"] for r in queue]
    assert missing.status_code == 404
    store = org.store()
    try:
        refused = [json.loads(e.details) for e in find(store, action="access.deny", actor="olga")]
        approved = [e for e in find(store, action="approval.approve") if e.object == f"approval:{request_id}"]
    finally:
        store.dispose()
    assert any("two-person rule" in d["reason"] for d in refused)
    assert len(approved) == 1 and approved[0].actor == "sam"


def test_incidents_people_vendors_attestations_and_models(org: Org) -> None:
    with org.client("olga") as c:
        opened = c.post("/api/v1/projects/alpha/incidents",
                        json={"title": "model extraction suspected", "type": "model-extraction", "severity": "high",
                              "owner": "olga"})
        assert opened.status_code == 201, opened.text
        incident = opened.json()
        listed = c.get("/api/v1/projects/alpha/incidents", params={"state": "open"}).json()
        one = c.get(f"/api/v1/projects/alpha/incidents/{incident['id']}").json()
        people = c.get("/api/v1/projects/alpha/people").json()
        vendors = c.get("/api/v1/projects/alpha/vendors").json()
        attestations = c.get("/api/v1/projects/alpha/attestations")
        models = c.get("/api/v1/projects/alpha/models").json()
        versions = c.get("/api/v1/projects/alpha/models/churn/versions").json()
        version = c.get("/api/v1/projects/alpha/models/churn/versions/1").json()
        unknown = c.get("/api/v1/projects/alpha/models/nope/versions")
        bad = c.post("/api/v1/projects/alpha/incidents", json={"title": "x", "type": "model-extraction",
                                                               "severity": "dreadful"})
    assert incident["title"] == "model extraction suspected" and incident["state"] == "open"
    assert incident["id"] in [i["id"] for i in listed] and one == incident
    assert [p["name"] for p in people] == ["Dana Ops"] and people[0]["screening"]["status"] == "cleared"
    assert [v["name"] for v in vendors] == ["LabelCo"] and vendors[0]["risk_tier"] == "high"
    assert attestations.status_code == 200 and attestations.json() == []
    assert models == [{"name": "churn", "versions": 1, "latest": "1", "stages": {}}]
    assert versions[0]["digest"].startswith("sha256:") and versions[0]["signed"] is False
    assert version["scan"] == versions[0]["scan"] and "lineage" in version
    assert unknown.status_code == 404 and bad.status_code == 422
    with org.client("vera") as c:
        refused = c.post("/api/v1/projects/alpha/incidents",
                         json={"title": "t", "type": "model-extraction", "severity": "low"})
        beta_people = c.get("/api/v1/projects/beta/people")
    assert refused.status_code == 403 and beta_people.status_code == 403


def test_keys_show_metadata_and_never_material(org: Org) -> None:
    with org.client("audra") as c:
        keys = c.get("/api/v1/keys")
    with org.client("olga") as c:
        not_the_servers = c.get("/api/v1/keys")
    assert keys.status_code == 200
    assert [k["name"] for k in keys.json()] == ["server-signing"]
    assert not any("sealed" in field or "private" in field for k in keys.json() for field in k)
    assert not_the_servers.status_code == 403


def test_the_ledger_is_browsable_and_its_proofs_verify(org: Org) -> None:
    with org.client("audra") as c:
        page = c.get("/api/v1/audit/entries", params={"page_size": 3}).json()
        following = c.get("/api/v1/audit/entries", params={"page_size": 3, "page_token": page["next_page_token"]}).json()
        head = c.get("/api/v1/audit/checkpoint").json()
        newest = page["items"][0]["seq"]
        proof = c.get(f"/api/v1/audit/entries/{newest}").json()
        consistency = c.get("/api/v1/audit/consistency", params={"old_size": 1}).json()
        checkpoints = c.get("/api/v1/audit/checkpoints", params={"page_size": 2}).json()
        denied_only = c.get("/api/v1/audit/entries", params={"action": "access.deny", "page_size": 500}).json()
        missing = c.get("/api/v1/audit/entries/99999999")
    assert len(page["items"]) == 3 and page["total"] >= 3
    assert [e["seq"] for e in following["items"]] == [page["items"][-1]["seq"] - n for n in (1, 2, 3)]
    assert all(e["action"] == "access.deny" for e in denied_only["items"])
    assert head["checkpoint"]["tree_size"] >= newest and len(head["public_key"]) == 64
    entry = Entry(**{**proof["entry"], "details": json.dumps(proof["entry"]["details"], sort_keys=True,
                                                            separators=(",", ":"), ensure_ascii=False)})
    assert leaf_hash(entry.canonical_with(entry.prev_hash)).hex() == proof["leaf_hash"]
    assert consistency["old_size"] == 1 and consistency["public_key"] == head["public_key"]
    sizes = [cp["tree_size"] for cp in checkpoints["items"]]
    assert sizes == sorted(sizes, reverse=True) and sizes[0] >= head["checkpoint"]["tree_size"]
    assert checkpoints["total"] >= 2 and checkpoints["next_page_token"]
    assert missing.status_code == 400
    with org.client("olga") as c:
        assert c.get("/api/v1/audit/entries").status_code == 403


def test_every_documented_operation_is_called_and_answers_as_documented(org: Org) -> None:
    """A tour of the API that calls each operation of the OpenAPI document at least once, each
    answer checked against the document by the client's hook."""
    assert org.contract is not None
    alpha = org.projects["alpha"]
    with org.client("ci") as c:
        up = c.post("/api/v1/assessments", json={"report": org.reports["alpha-1"], "project": alpha}).json()
        again = c.post("/api/v1/assessments", json={"report": org.reports["alpha-2"], "project": alpha}).json()
    with org.client("olga") as c:
        asked = c.post(f"/api/v1/projects/{alpha}/approvals", json={"action": "data.delete", "target": "dataset:x"})
        incident = c.post(f"/api/v1/projects/{alpha}/incidents",
                          json={"title": "drift", "type": "model-drift-outage", "severity": "medium"}).json()
        for path in (f"/api/v1/projects/{alpha}", f"/api/v1/projects/{alpha}/assessments",
                     f"/api/v1/assessments/{up['id']}", f"/api/v1/assessments/{up['id']}/compare/{again['id']}",
                     f"/api/v1/projects/{alpha}/controls", f"/api/v1/projects/{alpha}/controls/DS-1",
                     f"/api/v1/projects/{alpha}/waivers", "/api/v1/findings", "/api/v1/findings/export",
                     f"/api/v1/projects/{alpha}/approvals", f"/api/v1/projects/{alpha}/incidents",
                     f"/api/v1/projects/{alpha}/incidents/{incident['id']}", f"/api/v1/projects/{alpha}/people",
                     f"/api/v1/projects/{alpha}/vendors", f"/api/v1/projects/{alpha}/attestations",
                     f"/api/v1/projects/{alpha}/models", f"/api/v1/projects/{alpha}/models/churn/versions",
                     f"/api/v1/projects/{alpha}/models/churn/versions/1", "/api/v1/projects"):
            assert c.get(path).status_code == 200, path
    with org.client("sam") as c:
        assert c.post(f"/api/v1/projects/{alpha}/approvals/{asked.json()['id']}/decide",
                      json={"approve": False}).json()["state"] == "rejected"
    with org.client("audra") as c:
        for path in ("/api/v1/keys", "/api/v1/audit/entries", "/api/v1/audit/entries/1", "/api/v1/audit/checkpoint",
                     "/api/v1/audit/checkpoints", "/api/v1/audit/consistency?old_size=1"):
            assert c.get(path).status_code == 200, path
    documented = {(method, path) for path, item in org.contract.document["paths"].items() for method in item
                  if path.startswith("/api/v1")}
    assert documented - set(org.contract.seen) == set()
