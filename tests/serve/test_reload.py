"""`kill -HUP` re-checks the served version: unchanged, it goes on serving; once its file no longer
has the registered digest it is withdrawn (503 naming why); each re-check is in the ledger."""

from __future__ import annotations

import json
import os
import signal
import time
from pathlib import Path

import httpx

from secplan.ledger.query import find
from tests.monitor.synthetic import make_frame
from tests.serve.conftest import Gateway, build_project
from tests.serve.traffic import bearer, v2_body


def _rechecks(project) -> list[dict]:
    store = project.store()
    try:
        return [{"outcome": e.outcome, **json.loads(e.details)} for e in find(store, action="model.serve.recheck")]
    finally:
        store.dispose()


def _wait_for(condition, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.2)


def test_a_reload_withdraws_a_version_whose_file_changed(tmp_path: Path) -> None:
    project = build_project(tmp_path / "project")
    gw = Gateway(project, "fraud@1")
    try:
        gw.wait()
        body, auth = v2_body(make_frame(2, 3)), bearer(project.tokens["mia"])
        with httpx.Client(base_url=gw.url, timeout=30) as client:
            assert client.post("/v2/models/fraud/infer", json=body, headers=auth).status_code == 200

            os.kill(gw.proc.pid, signal.SIGHUP)  # nothing changed: still served
            _wait_for(lambda: len(_rechecks(project)) == 1)
            assert _rechecks(project)[0]["result"] == "ok" and _rechecks(project)[0]["outcome"] == "success"
            assert client.post("/v2/models/fraud/infer", json=body, headers=auth).status_code == 200

            with (project.root / "models" / "fraud.joblib").open("ab") as model:
                model.write(b"\0")  # the registered artifact is no longer what was signed and scanned
            os.kill(gw.proc.pid, signal.SIGHUP)
            _wait_for(lambda: len(_rechecks(project)) == 2)
            withdrawn = _rechecks(project)[1]
            assert withdrawn["result"] == "withdrawn" and withdrawn["outcome"] == "failure"
            assert "fraud.joblib" in withdrawn["problem"]

            refused = client.post("/v2/models/fraud/infer", json=body, headers=auth)
            assert refused.status_code == 503 and "fraud@1 is withdrawn" in refused.json()["error"]
            assert client.get("/v2/health/ready").status_code == 503
            assert client.get("/v2/models/fraud/ready").json()["ready"] is False
            meta = client.get("/v2/models/fraud", headers=auth).json()
            assert "fraud.joblib" in meta["parameters"]["withdrawn"]
        assert gw.proc.poll() is None  # withdrawn, not crashed: health endpoints keep answering
    finally:
        gw.stop()


def test_a_reload_withdraws_a_stage_that_now_names_another_version(tmp_path: Path) -> None:
    """``fraud@staging`` is served; another version is promoted to staging: the served one is no
    longer the approved one, so the re-check withdraws it (503 naming both); ``fraud@1`` served by its
    number from the same project is not affected by the stage."""
    import joblib
    from sklearn.ensemble import RandomForestClassifier

    from secplan.model.registry.gates import promote
    from secplan.model.registry.signatures import sign_version
    from secplan.model.registry.versions import register_model
    from tests.monitor.synthetic import FEATURES
    from tests.serve.conftest import inside, manager

    project = build_project(tmp_path / "project")
    with inside(project.root, project.env) as store:
        promote(store, project.root, manager(project), "fraud@1", "staging")
    staged, pinned = Gateway(project, "fraud@staging"), Gateway(project, "fraud@1")
    try:
        staged.wait()
        pinned.wait()
        body, auth = v2_body(make_frame(2, 3)), bearer(project.tokens["mia"])
        with httpx.Client(timeout=30) as client:
            assert client.post(f"{staged.url}/v2/models/fraud/infer", json=body, headers=auth).status_code == 200

            train = make_frame(2000, 21)
            model = RandomForestClassifier(n_estimators=5, max_depth=3, random_state=1).fit(train[FEATURES], train["label"])
            joblib.dump(model, project.root / "models" / "fraud-v2.joblib")
            with inside(project.root, project.env) as store:
                keys = manager(project)
                register_model(store, project.root, project.root / "models" / "fraud-v2.joblib", "fraud",
                               datasets=["data/train.csv"])
                sign_version(store, project.root, keys, "fraud@2", "model-signing")
                promote(store, project.root, keys, "fraud@2", "staging")

            for gw in (staged, pinned):
                os.kill(gw.proc.pid, signal.SIGHUP)
            _wait_for(lambda: len(_rechecks(project)) == 2)
            results = {r["requested"]: r for r in _rechecks(project)}
            assert results["fraud@1"]["result"] == "ok"
            moved = results["fraud@staging"]
            assert moved["result"] == "withdrawn" and moved["outcome"] == "failure"
            assert "fraud@staging now names fraud@2" in moved["problem"] and "fraud@1" in moved["problem"]

            refused = client.post(f"{staged.url}/v2/models/fraud/infer", json=body, headers=auth)
            assert refused.status_code == 503 and "fraud@1 is withdrawn" in refused.json()["error"]
            assert "now names fraud@2" in refused.json()["error"]
            assert client.get(f"{staged.url}/v2/health/ready").status_code == 503
            assert client.post(f"{pinned.url}/v2/models/fraud/infer", json=body, headers=auth).status_code == 200
    finally:
        staged.stop()
        pinned.stop()
