"""Monitoring on live traffic through a real gateway: replayed held-out traffic raises nothing; a
model extraction (a surrogate trained from label-only answers to queries drawn from the data's
profile) and a HopSkipJump evasion run are detected within their first few hundred queries and
open incidents; a shifted feature raises a drift alert naming it."""

from __future__ import annotations

import datetime as dt
import json
import time
from concurrent.futures import ThreadPoolExecutor

import httpx
import numpy as np
import pandas as pd
import pytest

from tests.monitor.synthetic import FEATURES, make_frame
from tests.serve.conftest import Gateway, inside, run_cli
from tests.serve.traffic import bearer, v2_body

ATTACKERS = ("mallory", "trudy", "oscar")


@pytest.fixture(scope="module")
def watched(project):
    """The shared project with three more model clients, and a gateway whose rate does not get in the way."""
    from secplan.human import accounts

    with inside(project.root, project.env) as store:
        for user in ATTACKERS:
            accounts.add_user(store, user)
            accounts.grant_role(store, user, "model-client")
            project.tokens[user] = accounts.create_token(store, user, scope="read",
                                                         expires=dt.date.today() + dt.timedelta(days=5)).token
    gw = Gateway(project, "fraud@1", "--rate", "2000/second")
    try:
        gw.wait()
        yield project, gw
    finally:
        gw.stop()


def _alerts(project) -> list[dict]:
    result = run_cli(project, "monitor", "alerts", "--format", "json", "-C", str(project.root))
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)["alerts"]


def _reported(project) -> tuple[int, int]:
    """The running gateway's last report: rows observed, and requests still queued for the monitor."""
    from secplan.model.monitor.served import served

    with inside(project.root, project.env) as store:
        runs = served(store, running_only=True)
    status = max((r["status"] for r in runs), key=lambda s: s.get("requests", 0), default={})
    return status.get("requests", 0), status.get("pending", 0)


def _monitored(project) -> int:
    return _reported(project)[0]


def _wait_monitored(project, rows: int, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while _monitored(project) < rows:
        assert time.monotonic() < deadline, f"the monitor saw {_monitored(project)} of {rows} rows"
        time.sleep(0.3)


def _settled(project, timeout: float = 90) -> int:
    """The monitor's row count once its queue is empty and the count stops moving (everything sent
    so far is observed and reported: a busy monitor reports nothing while it works through a batch)."""
    deadline = time.monotonic() + timeout
    last = (-1, -1)
    while (now := _reported(project)) != last or now[1]:
        assert time.monotonic() < deadline, f"the monitor has not caught up: {now}"
        last = now
        time.sleep(1.2)
    return now[0]


def _send(gw, token: str, frame: pd.DataFrame, batch: int) -> list:
    labels: list = []
    with httpx.Client(base_url=gw.url, timeout=60) as c:
        for start in range(0, len(frame), batch):
            r = c.post("/v2/models/fraud/infer", json=v2_body(frame.iloc[start:start + batch]), headers=bearer(token))
            assert r.status_code == 200, r.text
            labels += r.json()["outputs"][0]["data"]
    return labels


def test_benign_held_out_traffic_raises_no_alert(watched) -> None:
    project, gw = watched
    held_out = make_frame(3000, 8)
    clients = ["mia", "pia", "eve", "rex"]
    parts = [held_out.iloc[i::4] for i in range(4)]
    with ThreadPoolExecutor(4) as pool:
        list(pool.map(lambda i: _send(gw, project.tokens[clients[i]], parts[i], 25), range(4)))
    _wait_monitored(project, 3000)
    assert _alerts(project) == []


def _profile_draws(n: int, seed: int) -> pd.DataFrame:
    """What an extraction attacker can draw from published statistics: each feature on its own,
    from the training data's quantiles."""
    from secplan.data.validate.profile import build_profile

    profile = build_profile(make_frame(4000, 7)[FEATURES], "published")
    rng = np.random.default_rng(seed)
    data = {}
    for name in FEATURES:
        grid = np.asarray(profile.columns[name].quantiles)
        data[name] = np.interp(rng.uniform(0.01, 0.99, n), np.linspace(0, 1, len(grid)), grid)
    return pd.DataFrame(data)


def test_extraction_is_detected_and_opens_an_incident(watched) -> None:
    from sklearn.tree import DecisionTreeClassifier

    from secplan.human.incidents import show_incident

    project, gw = watched
    before = _monitored(project)
    queries = _profile_draws(300, seed=3)
    labels = _send(gw, project.tokens["mallory"], queries, 10)
    surrogate = DecisionTreeClassifier(max_depth=5, random_state=0).fit(queries[FEATURES], labels)
    test = make_frame(500, 11)
    truth = _send(gw, project.tokens["mia"], test, 100)
    assert (surrogate.predict(test[FEATURES]) == np.asarray(truth)).mean() > 0.7  # the attack works
    _wait_monitored(project, before + 800)
    deadline = time.monotonic() + 30
    while not (found := [a for a in _alerts(project) if a["kind"] == "extraction" and a["client"] == "mallory"]):
        assert time.monotonic() < deadline, "no extraction alert"
        time.sleep(0.5)
    alert = found[0]
    assert alert["score"] > alert["threshold"] and alert["model"] == "fraud@1" and alert["incident"] is not None
    assert not [a for a in _alerts(project) if a["kind"] in ("extraction", "evasion") and a["client"] == "mia"]
    with inside(project.root, project.env) as store:
        from secplan.model.monitor.alerts import list_alerts

        full = next(a for a in list_alerts(store) if a["id"] == alert["id"])
        incident = show_incident(store, int(alert["incident"]))
    assert full["window"]["last"] <= 300  # within its first 300 queries
    assert "AML.T0024.002" in incident["atlas"] and incident["owner"] == "oncall@example.com"
    assert incident["type"] == "model-extraction" and "mallory" in incident["title"]


def test_hopskipjump_evasion_is_detected(watched) -> None:
    from art.attacks.evasion import HopSkipJump
    from art.estimators.classification import BlackBoxClassifier

    project, gw = watched
    train = make_frame(4000, 7)
    low, high = train[FEATURES].min().to_numpy(), train[FEATURES].max().to_numpy()
    client = httpx.Client(base_url=gw.url, timeout=60)
    sent = [0]

    def predict(x: np.ndarray) -> np.ndarray:
        sent[0] += len(x)
        body = {"inputs": [{"name": "x", "shape": list(x.shape), "datatype": "FP64", "data": x.ravel().tolist()}]}
        r = client.post("/v2/models/fraud/infer", json=body, headers=bearer(project.tokens["trudy"]))
        assert r.status_code == 200, r.text
        return np.eye(2)[np.asarray(r.json()["outputs"][0]["data"], dtype=int)]

    try:
        classifier = BlackBoxClassifier(predict, input_shape=(len(FEATURES),), nb_classes=2,
                                        clip_values=(low, high))
        start = make_frame(40, 12)[FEATURES].to_numpy()
        attack = HopSkipJump(classifier, max_iter=3, max_eval=60, init_eval=10, init_size=20, verbose=False)
        found: list[dict] = []
        for i in range(0, len(start), 2):
            attack.generate(start[i:i + 2])
            found = [a for a in _alerts(project) if a["kind"] == "evasion" and a["client"] == "trudy"]
            if found or sent[0] > 3000:
                break
    finally:
        client.close()
    deadline = time.monotonic() + 30
    while not found:
        assert time.monotonic() < deadline, f"no evasion alert after {sent[0]} queries"
        time.sleep(0.5)
        found = [a for a in _alerts(project) if a["kind"] == "evasion" and a["client"] == "trudy"]
    assert found[0]["incident"] is not None and found[0]["score"] > found[0]["threshold"]


def test_a_shifted_feature_raises_a_drift_alert_naming_it(watched) -> None:
    project, gw = watched
    shifted = make_frame(1200, 13)
    shifted["debt"] = shifted["debt"] + 2500
    before = _settled(project)
    _send(gw, project.tokens["oscar"], shifted, 50)
    _wait_monitored(project, before + 1200)
    from secplan.model.monitor.alerts import list_alerts

    def drifted() -> list[dict]:  # alerts judged on a window of the shifted traffic only
        with inside(project.root, project.env) as store:
            return [a for a in list_alerts(store) if a["kind"] == "drift" and a["window"]["first"] > before]

    deadline = time.monotonic() + 30
    while not (drift := drifted()):
        assert time.monotonic() < deadline, "no drift alert"
        time.sleep(0.5)
    assert {a["feature"] for a in drift} == {"debt"}
    assert all(a["client"] is None and a["incident"] is not None for a in drift)
    assert "debt" in drift[0]["message"] and drift[0]["window"]["signal"] == "feature-drift"


def test_monitor_status_and_metrics_show_live_numbers(watched) -> None:
    project, gw = watched
    _settled(project)  # the monitor reports on its own clock: wait until it has caught up
    result = run_cli(project, "monitor", "status", "--format", "json", "-C", str(project.root))
    assert result.returncode == 0, result.stderr
    model = next(m for m in json.loads(result.stdout)["models"] if m["running"])
    assert model["model"] == "fraud@1" and model["auth"] and model["monitoring"] and model["validation"] == "reject"
    assert model["requests"] >= 3000 and model["open_alerts"] >= 2
    text = httpx.get(f"{gw.url}/metrics", headers=bearer(project.tokens["mia"])).text
    assert 'secplan_feature_psi{model="fraud@1",feature="debt"}' in text
    assert 'secplan_alerts_total{model="fraud@1",kind="extraction"}' in text
