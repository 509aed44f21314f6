"""An endpoint evaluation over a real uvicorn server on loopback (a tiny Open Inference Protocol V2
app serving the same model; the data holds exactly its inputs) gives the same numbers as the local evaluation in a worker."""

from __future__ import annotations

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

from tests.model_evaluate.test_cli import run

SUITES = "quality,robustness,fairness,explain"


def v2_app(model):
    """MLServer-style V2 inference: one input per column (pandas codec), outputs by name."""
    app = FastAPI()

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
        return {"model_name": name, "outputs": outputs}

    return app


@pytest.fixture
def served(evaluation_project: Path) -> Iterator[str]:
    import uvicorn

    model = joblib.load(evaluation_project / "models" / "proxy.joblib")  # the test's own model, trusted
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    server = uvicorn.Server(uvicorn.Config(v2_app(model), log_level="warning", lifespan="off"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        assert time.monotonic() < deadline and thread.is_alive(), "uvicorn did not start"
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{sock.getsockname()[1]}/v2/models/proxy"
    finally:
        server.should_exit = True
        thread.join(10)
        sock.close()


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
