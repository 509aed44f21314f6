"""`kill -HUP` re-checks the served version: unchanged, it goes on serving; once its file no longer
has the registered digest it is withdrawn (503 naming why); each re-check is in the ledger."""

from __future__ import annotations

import json
import os
import signal
import time
from pathlib import Path

import httpx
import pytest

from secplan.ledger.query import find
from tests.monitor.synthetic import make_frame
from tests.serve.conftest import Gateway, build_project
from tests.serve.traffic import bearer, v2_body

pytestmark = pytest.mark.xdist_group("test_reload")


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
