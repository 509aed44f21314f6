"""The gateway over a real uvicorn server on loopback, with a real HTTP client: the V2 protocol's
shapes, and a refusal for each abuse (401, 403, 413, 422, 429), every request in the ledger."""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor

import httpx
import jsonschema
import pytest

from secplan.ledger.query import find
from tests.monitor.synthetic import FEATURES, make_frame
from tests.serve import v2schema
from tests.serve.traffic import bearer, v2_body

HELD_OUT = make_frame(200, 8)


@pytest.fixture(scope="module")
def client(gateway) -> httpx.Client:
    with httpx.Client(base_url=gateway.url, timeout=30) as c:
        yield c


def test_server_metadata_and_health_follow_the_protocol(client: httpx.Client) -> None:
    jsonschema.validate(client.get("/v2").json(), v2schema.SERVER_METADATA)
    live, ready = client.get("/v2/health/live"), client.get("/v2/health/ready")
    assert (live.status_code, ready.status_code) == (200, 200)
    jsonschema.validate(live.json(), v2schema.LIVE)
    assert ready.json() == {"ready": True}
    model_ready = client.get("/v2/models/fraud/ready")
    assert model_ready.status_code == 200 and model_ready.json()["ready"] is True


def test_model_metadata_shows_the_served_digest(project, client: httpx.Client) -> None:
    from secplan.model.registry.versions import get_version

    store = project.store()
    try:
        digest = f"sha256:{get_version(store, 'fraud@1', exact=True).root_digest}"
    finally:
        store.dispose()
    for path in ("/v2/models/fraud", "/v2/models/fraud/versions/1"):
        doc = client.get(path, headers=bearer(project.tokens["mia"])).json()
        jsonschema.validate(doc, v2schema.MODEL_METADATA)
        assert doc["parameters"]["digest"] == digest
        assert [i["name"] for i in doc["inputs"]] == FEATURES
    missing = client.get("/v2/models/other", headers=bearer(project.tokens["mia"]))
    assert missing.status_code == 404
    jsonschema.validate(missing.json(), v2schema.ERROR)


def test_v2_infer_echoes_id_and_answers_labels_only(project, client: httpx.Client) -> None:
    frame = HELD_OUT.iloc[:5]
    r = client.post("/v2/models/fraud/infer", json=v2_body(frame, "req-17"), headers=bearer(project.tokens["mia"]))
    assert r.status_code == 200, r.text
    doc = r.json()
    jsonschema.validate(doc, v2schema.INFERENCE_RESPONSE)
    assert doc["id"] == "req-17" and doc["model_name"] == "fraud" and doc["model_version"] == "1"
    assert [o["name"] for o in doc["outputs"]] == ["predict"]
    assert doc["outputs"][0]["shape"] == [5] and set(doc["outputs"][0]["data"]) <= {0, 1}
    assert float(r.headers["X-Secplan-Overhead-Ms"]) >= 0


def test_one_wide_input_in_feature_order_gives_the_same_labels(project, client: httpx.Client) -> None:
    frame = HELD_OUT.iloc[:4]
    by_column = client.post("/v2/models/fraud/infer", json=v2_body(frame), headers=bearer(project.tokens["mia"]))
    wide = {"inputs": [{"name": "x", "shape": [4, len(FEATURES)], "datatype": "FP64",
                        "data": frame[FEATURES].to_numpy().tolist()}]}
    r = client.post("/v2/models/fraud/versions/1/infer", json=wide, headers=bearer(project.tokens["mia"]))
    assert r.status_code == 200, r.text
    assert r.json()["outputs"][0]["data"] == by_column.json()["outputs"][0]["data"]


def test_plain_predict_form(project, client: httpx.Client) -> None:
    rows = HELD_OUT[FEATURES].iloc[:3].to_dict("records")
    r = client.post("/predict", json={"instances": rows}, headers=bearer(project.tokens["mia"]))
    assert r.status_code == 200
    assert list(r.json()) == ["predictions"] and len(r.json()["predictions"]) == 3


def test_probabilities_only_for_a_granted_client_and_rounded(project, client: httpx.Client) -> None:
    frame = HELD_OUT.iloc[:3]
    denied = client.post("/v2/models/fraud/infer", json=v2_body(frame, outputs=["predict", "predict_proba"]),
                         headers=bearer(project.tokens["mia"]))
    assert denied.status_code == 403 and "probabilities" in denied.json()["error"]
    r = client.post("/v2/models/fraud/infer", json=v2_body(frame, outputs=["predict", "predict_proba"]),
                    headers=bearer(project.tokens["pia"]))
    assert r.status_code == 200
    proba = next(o for o in r.json()["outputs"] if o["name"] == "predict_proba")
    assert proba["shape"] == [3, 2]
    assert all(round(v, 2) == v for v in proba["data"])


@pytest.mark.parametrize(("headers", "fragment"), [
    ({}, "no bearer token"),
    ({"Authorization": "Bearer spt_0123456789abcdef_notthesecret"}, "not valid"),
    ({"Authorization": "Basic dXNlcjpwdw=="}, "no bearer token"),
])
def test_missing_or_invalid_token_is_401(client: httpx.Client, headers: dict, fragment: str) -> None:
    r = client.post("/v2/models/fraud/infer", json=v2_body(HELD_OUT.iloc[:1]), headers=headers)
    assert r.status_code == 401
    jsonschema.validate(r.json(), v2schema.ERROR)
    assert fragment in r.json()["error"]
    assert r.headers["WWW-Authenticate"].startswith("Bearer")
    assert "notthesecret" not in r.text


def test_user_without_infer_is_403(project, client: httpx.Client) -> None:
    r = client.post("/v2/models/fraud/infer", json=v2_body(HELD_OUT.iloc[:1]), headers=bearer(project.tokens["carol"]))
    assert r.status_code == 403
    assert "infer" in r.json()["error"] and "carol" in r.json()["error"]


def test_oversized_body_is_413(project, client: httpx.Client) -> None:
    big = v2_body(make_frame(3000, 9))  # about 400 kB against the 200 kB limit
    r = client.post("/v2/models/fraud/infer", json=big, headers=bearer(project.tokens["mia"]))
    assert r.status_code == 413 and "bytes" in r.json()["error"]
    chunked = client.post("/v2/models/fraud/infer", content=iter([json.dumps(big).encode()]),
                          headers={**bearer(project.tokens["mia"]), "Content-Type": "application/json"})
    assert chunked.status_code == 413


def test_too_many_rows_is_413(project, client: httpx.Client) -> None:
    r = client.post("/v2/models/fraud/infer", json=v2_body(make_frame(1200, 9)), headers=bearer(project.tokens["mia"]))
    assert r.status_code == 413 and "1200 rows" in r.json()["error"]


def _row(**change) -> dict:
    row = HELD_OUT[FEATURES].iloc[0].to_dict()
    row.update(change)
    return row


@pytest.mark.parametrize(("row", "field", "fragment"), [
    (_row(age=400.0), "age", "outside the training range"),
    (_row(debt="lots"), "debt", "expected a number"),
    ({k: v for k, v in _row().items() if k != "tenure"}, "tenure", "missing"),
    (_row(colour="red"), "colour", "not an input of the model"),
])
def test_input_outside_the_profile_is_422_naming_the_field(project, client: httpx.Client, row, field, fragment) -> None:
    r = client.post("/predict", json={"instances": [_row(), row]}, headers=bearer(project.tokens["mia"]))
    assert r.status_code == 422
    assert f"row 1, field {field!r}" in r.json()["error"] and fragment in r.json()["error"]


def test_non_finite_value_is_422(project, client: httpx.Client) -> None:
    body = json.dumps({"instances": [_row()]}).replace(str(_row()["income"]), "Infinity", 1)
    r = client.post("/predict", content=body, headers={**bearer(project.tokens["mia"]),
                                                       "Content-Type": "application/json"})
    assert r.status_code == 422 and "'income'" in r.json()["error"] and "finite" in r.json()["error"]


def test_malformed_v2_request_is_400(project, client: httpx.Client) -> None:
    bad = {"inputs": [{"name": "income", "shape": [3], "datatype": "FP64", "data": [1.0]}]}
    r = client.post("/v2/models/fraud/infer", json=bad, headers=bearer(project.tokens["mia"]))
    assert r.status_code == 400 and "1 values for shape [3]" in r.json()["error"]


def test_a_client_over_its_rate_is_429_and_others_are_not(project, gateway) -> None:
    body = v2_body(HELD_OUT.iloc[:1])
    clients = [httpx.Client(base_url=gateway.url, timeout=30) for _ in range(8)]

    def call(i: int, token: str) -> httpx.Response:
        return clients[i % 8].post("/v2/models/fraud/infer", json=body, headers=bearer(token))

    codes: list[int] = []
    try:
        with ThreadPoolExecutor(8) as pool:
            for _burst in range(12):  # bursts until the limiter answers (25/second)
                codes += [r.status_code for r in pool.map(call, range(40), [project.tokens["rex"]] * 40)]
                if 429 in codes:
                    break
            limited = next(r for r in pool.map(call, range(40), [project.tokens["rex"]] * 40) if r.status_code == 429)
        other = call(0, project.tokens["eve"])
    finally:
        for c in clients:
            c.close()
    assert 200 in codes and 429 in codes
    assert "rate limit" in limited.json()["error"] and int(limited.headers["Retry-After"]) >= 1
    assert other.status_code == 200


def test_every_request_is_in_the_ledger_without_its_input(project, client: httpx.Client) -> None:
    from secplan.ledger import verify

    marker = 12345.678
    frame = HELD_OUT.iloc[:2].copy()
    frame.loc[frame.index[0], "income"] = marker
    r = client.post("/v2/models/fraud/infer", json=v2_body(frame, "ledgered-1"), headers=bearer(project.tokens["mia"]))
    assert r.status_code == 200
    assert client.post("/v2/models/fraud/infer", json=v2_body(frame)).status_code == 401
    assert client.post("/v2/models/fraud/infer", json=v2_body(frame),
                       headers=bearer(project.tokens["carol"])).status_code == 403
    store = project.store()
    try:
        entries = find(store, action="model.infer")
        details = [json.loads(e.details) for e in entries]
        mine = next(d for d in details if d.get("request_id") == "ledgered-1")
        assert mine["client"] == "mia" and mine["decision"] == "served" and mine["rows"] == 2
        assert mine["digest"].startswith("sha256:") and mine["input_sha256"].startswith("sha256:")
        assert sum(mine["output"].values()) == 2
        assert not any(str(marker) in e.details for e in entries)
        reasons = {d.get("status"): d.get("decision") for d in details}
        assert reasons.get(401) == "refused" and reasons.get(403) == "refused"
        assert verify(store).ok
    finally:
        store.dispose()


def _served_count(text: str) -> int:
    line = next((x for x in text.splitlines() if x.startswith('secplan_requests_total{model="fraud@1",status="200"}')),
                None)
    return 0 if line is None else int(line.rsplit(" ", 1)[1])


def test_metrics_in_prometheus_text(project, client: httpx.Client) -> None:
    before = _served_count(client.get("/metrics", headers=bearer(project.tokens["mia"])).text)
    assert client.post("/v2/models/fraud/infer", json=v2_body(HELD_OUT.iloc[:1]),
                       headers=bearer(project.tokens["mia"])).status_code == 200
    r = client.get("/metrics", headers=bearer(project.tokens["mia"]))
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/plain")
    text = r.text
    assert _served_count(text) == before + 1
    assert "secplan_request_seconds_bucket" in text and 'le="+Inf"' in text
    assert client.get("/metrics").status_code == 401


def test_no_management_routes(client: httpx.Client) -> None:
    for path in ("/docs", "/openapi.json", "/v2/repository/index", "/v2/repository/models/fraud/unload"):
        r = client.post(path) if "repository" in path else client.get(path)
        assert r.status_code in (404, 405)
        jsonschema.validate(r.json(), v2schema.ERROR)
