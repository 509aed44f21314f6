"""An endpoint evaluation over a real uvicorn server on loopback (a tiny Open Inference Protocol V2
app serving the same model; the data holds exactly its inputs) gives the same numbers as the local evaluation in a worker."""

from __future__ import annotations

import contextlib
import json
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import joblib
import numpy as np
import pandas as pd
import pytest
from fastapi import FastAPI, Request

from secplan.ledger.query import find
from secplan.model.evaluate.results import evaluations
from secplan.model.registry.versions import get_version
from secplan.store.db import Store
from tests.model_evaluate.test_cli import run

SUITES = "quality,robustness,fairness,explain"


def v2_app(model, digest: str | None = None, answer_digest: str | None = None):
    """MLServer-style V2 inference: one input per column (pandas codec), outputs by name; with ``digest``,
    model metadata that reports it (as secplan's gateway does) and answers that report ``answer_digest``."""
    app = FastAPI()
    if digest is not None:
        @app.get("/v2/models/{name}")
        async def metadata(name: str) -> dict:
            return {"name": name, "versions": ["1"], "platform": "sklearn", "parameters": {"digest": digest}}

    @app.post("/v2/models/{name}/infer")
    async def infer(name: str, request: Request) -> dict:
        body = await request.json()
        frame = pd.DataFrame({i["name"]: i["data"] for i in body["inputs"]})
        wanted = [o["name"] for o in body.get("outputs", [])] or ["predict"]
        outputs = []
        for output in wanted:
            values = np.asarray(model.predict(frame) if output == "predict" else model.predict_proba(frame))
            outputs.append({"name": output, "shape": list(values.shape), "datatype": "FP64",
                            "data": values.ravel().tolist()})
        reply = {"model_name": name, "outputs": outputs}
        if digest is not None:
            reply["parameters"] = {"digest": answer_digest or digest}
        return reply

    return app


@contextlib.contextmanager
def serving(app) -> Iterator[str]:
    """``app`` on uvicorn on a free loopback port; yields its base URL."""
    import uvicorn

    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="off"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        assert time.monotonic() < deadline and thread.is_alive(), "uvicorn did not start"
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    finally:
        server.should_exit = True
        thread.join(10)
        sock.close()


def _model(project: Path):
    return joblib.load(project / "models" / "proxy.joblib")  # the test's own model, trusted


@pytest.fixture
def served(evaluation_project: Path) -> Iterator[str]:
    with serving(v2_app(_model(evaluation_project))) as base:
        yield f"{base}/v2/models/proxy"


def test_endpoint_gives_the_local_numbers(evaluation_project: Path, served: str, capsys) -> None:
    args = ("--data", "test.csv", "--target", "label", "--sensitive", "sex", "--suite", SUITES, "--budget", "300",
            "--seed", "5", "--format", "json")
    code_local, local, _ = run(capsys, "model", "evaluate", "proxy@1", *args, "--no-store")
    code_remote, remote, err = run(capsys, "model", "evaluate", "proxy-endpoint", *args, "--endpoint", served)
    assert remote, err
    local_doc, remote_doc = json.loads(local), json.loads(remote)
    assert code_local == code_remote, err
    assert "not recorded" in err and remote_doc["digest"] is None
    assert remote_doc["model_info"]["details"]["protocol"] == "open-inference-v2"
    # the worker also runs the white-box attack the tree allows; an endpoint is a black box
    local_robustness, remote_robustness = local_doc["suites"]["robustness"], remote_doc["suites"]["robustness"]
    white_box = [a for a in local_robustness["attacks"] if a["name"] != "hop_skip_jump"]
    assert [a["name"] for a in white_box] == ["decision_tree"]
    assert [s["name"] for s in remote_robustness["skipped"]] == ["fgsm", "pgd", "decision_tree"]
    assert "black box" in remote_robustness["skipped"][-1]["skipped"]
    for doc in (local_robustness, remote_robustness):
        doc["attacks"] = [a for a in doc["attacks"] if a["name"] == "hop_skip_jump"]
        doc["skipped"], doc["checks"] = [], [c for c in doc["checks"] if "attack" not in c or
                                             c["attack"] == "hop_skip_jump"]
    assert remote_doc["suites"] == local_doc["suites"]
    checked = sum(a["rows"] for a in white_box)  # the evaluator's own predictions of the attacked rows
    assert remote_doc["queries"] == local_doc["queries"] - sum(a["queries"] for a in white_box) - checked > 1000


def _digest(project: Path, ref: str) -> str:
    store = Store.for_project(project)
    try:
        return f"sha256:{get_version(store, ref).root_digest}"
    finally:
        store.dispose()


QUICK = ("--data", "test.csv", "--target", "label", "--suite", "quality", "--seed", "1", "--format", "json")


def test_an_endpoint_reporting_a_registered_digest_is_recorded_against_it(evaluation_project: Path, capsys) -> None:
    digest = _digest(evaluation_project, "proxy@1")
    with serving(v2_app(_model(evaluation_project), digest)) as base:
        code, out, err = run(capsys, "model", "evaluate", "served-proxy", *QUICK, "--endpoint",
                             f"http://user:secret@{base.removeprefix('http://')}/v2/models/proxy")
    doc = json.loads(out)
    assert code == 0 and "not recorded" not in err, err
    assert doc["model"] == "proxy@1" and doc["digest"] == digest and doc["evaluation_id"]
    assert doc["endpoint"]["bound_to"] == "proxy@1" and "secret" not in out and "user" not in doc["endpoint"]["url"]
    store = Store.for_project(evaluation_project)
    try:
        [stored] = evaluations(store, "proxy", "1")
        assert stored["digest"] == digest and stored["result"]["endpoint"]["reported_digest"] == digest
        assert [e.object for e in find(store, action="model.evaluate")] == ["model:proxy@1"]
    finally:
        store.dispose()


@pytest.mark.parametrize("case", ["unregistered", "other version named", "answers disagree"])
def test_an_endpoint_digest_that_matches_nothing_is_not_recorded(evaluation_project: Path, capsys, case: str) -> None:
    proxy, fair = _digest(evaluation_project, "proxy@1"), _digest(evaluation_project, "fair@1")
    digest, answers, label, why = {
        "unregistered": ("sha256:" + "0" * 64, None, "served", "which no registered version has"),
        "other version named": (proxy, None, "fair@1", f"but fair@1 is {fair}"),
        "answers disagree": (proxy, fair, "served", f"inference answers reported {fair}, not the metadata's {proxy}"),
    }[case]
    with serving(v2_app(_model(evaluation_project), digest, answers)) as base:
        code, out, err = run(capsys, "model", "evaluate", label, *QUICK, "--endpoint", f"{base}/v2/models/proxy")
    doc = json.loads(out)
    assert code == 0 and "note: not recorded: " in err and why in err, err
    assert doc["digest"] is None and doc["endpoint"]["bound_to"] is None and why in doc["endpoint"]["why"]
    store = Store.for_project(evaluation_project)
    try:
        assert evaluations(store) == [] and find(store, action="model.evaluate") == []
    finally:
        store.dispose()
