"""Benchmark: secplan's gateway with every guard on vs a bare FastAPI endpoint and Seldon MLServer on the same model.

    python3.11 -m venv .bench/mlserver-venv && .bench/mlserver-venv/bin/pip install mlserver==1.7.1 \
        mlserver-sklearn==1.7.1 scikit-learn==<the .venv's version> joblib==<the .venv's version>
    .venv/bin/python bench/bench_serve.py [--requests 2000] [--concurrency 1,8] [--rows 1]

Both run on uvicorn over loopback, serving one random forest (the same file): the bare endpoint
loads it in its own process and answers the same V2 body with no guard at all; the gateway runs
the preflight, loads it in its worker process, and authenticates, rate-limits, validates,
minimises, ledgers (durably, before answering) and monitors every request. A small async client
(httpx) sends the same requests to each; reported: p50/p99 latency, throughput and the added
latency. MLServer (its own venv, ``.bench/mlserver-venv``; skipped with a note when absent) serves the
same file with its scikit-learn runtime in its server process (parallel_workers 0: its worker pool fails
to start under this Python, "no current event loop"), as a single FP64 tensor input
(its runtime's documented form), gRPC and metrics on ports of their own.

Prints a table; not a test: nothing here asserts.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "src"))

BARE = '''
import sys, joblib, numpy as np, pandas as pd, uvicorn
from fastapi import FastAPI, Request
model = joblib.load(sys.argv[1])  # the benchmark's own model, trained by it
app = FastAPI()
@app.post("/v2/models/{name}/infer")
async def infer(name: str, request: Request) -> dict:
    body = await request.json()
    frame = pd.DataFrame({i["name"]: i["data"] for i in body["inputs"]})
    labels = model.predict(frame).tolist()
    return {"model_name": name, "outputs": [{"name": "predict", "shape": [len(labels)], "datatype": "INT64",
                                             "data": labels}]}
uvicorn.run(app, host="127.0.0.1", port=int(sys.argv[2]), log_level="warning", access_log=False)
'''


MLSERVER = ROOT / ".bench" / "mlserver-venv" / "bin" / "mlserver"


def _start_mlserver(work: Path, model_file: Path, port: int) -> subprocess.Popen | None:
    """MLServer on ``port`` serving ``model_file`` as ``fraud``; None when its venv is not there."""
    if not MLSERVER.exists():
        return None
    from tests.serve.conftest import free_port

    repo = work / "mlserver"
    (repo / "fraud").mkdir(parents=True)
    (repo / "settings.json").write_text(json.dumps({
        "http_port": port, "grpc_port": free_port(), "metrics_port": free_port(), "parallel_workers": 0,
        "host": "127.0.0.1", "debug": False}))
    (repo / "fraud" / "model-settings.json").write_text(json.dumps({
        "name": "fraud", "implementation": "mlserver_sklearn.SKLearnModel",
        "parameters": {"uri": str(model_file), "version": "1"}}))
    return subprocess.Popen([str(MLSERVER), "start", str(repo)], env={**os.environ, "OMP_NUM_THREADS": "1"},
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def _tensor_body(body: dict) -> dict:
    """The same rows as one FP64 tensor [rows, features], the input MLServer's sklearn runtime takes."""
    columns = [i["data"] for i in body["inputs"]]
    rows = [list(r) for r in zip(*columns, strict=True)]
    return {"inputs": [{"name": "input-0", "shape": [len(rows), len(columns)], "datatype": "FP64",
                        "data": [float(v) for r in rows for v in r]}]}


def _wait_ready(url: str, timeout: float = 120) -> None:
    import httpx

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if httpx.get(url, timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    raise SystemExit(f"{url} never became ready")


def _wait_port(port: int, timeout: float = 60) -> None:
    import httpx

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            httpx.get(f"http://127.0.0.1:{port}/", timeout=1)
            return
        except httpx.HTTPError:
            time.sleep(0.2)
    raise SystemExit(f"nothing listens on {port}")


async def _load(url: str, body: dict, headers: dict, requests: int, concurrency: int) -> tuple[list[float], float]:
    import httpx

    latencies: list[float] = []
    left = [requests]

    async def worker(client: httpx.AsyncClient) -> None:
        while left[0] > 0:
            left[0] -= 1
            t = time.perf_counter()
            r = await client.post(url, json=body, headers=headers)
            latencies.append(time.perf_counter() - t)
            if r.status_code != 200:
                raise SystemExit(f"{url}: HTTP {r.status_code}: {r.text[:200]}")

    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(timeout=60, limits=limits) as client:
        for _ in range(20):  # warm-up
            await client.post(url, json=body, headers=headers)
        start = time.perf_counter()
        await asyncio.gather(*(worker(client) for _ in range(concurrency)))
        elapsed = time.perf_counter() - start
    return sorted(latencies), elapsed


def _pct(values: list[float], q: float) -> float:
    return values[min(len(values) - 1, int(q * len(values)))] * 1000


def main() -> None:
    from tests.monitor.synthetic import FEATURES, make_frame
    from tests.serve.conftest import Gateway, build_project, free_port
    from tests.serve.traffic import bearer, v2_body

    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--concurrency", default="1,8")
    parser.add_argument("--rows", type=int, default=1)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="bench-serve-"))
    project = build_project(work / "project")
    body = v2_body(make_frame(args.rows, 8))
    bare_port = free_port()
    script = work / "bare.py"
    script.write_text(BARE)
    bare = subprocess.Popen([sys.executable, str(script), str(project.root / "models" / "fraud.joblib"), str(bare_port)],
                            env={**os.environ, "OMP_NUM_THREADS": "1"})
    gateway = Gateway(project, "fraud@1", "--rate", "1000000/second", "--budget", "0")
    ml_port = free_port()
    mlserver = _start_mlserver(work, project.root / "models" / "fraud.joblib", ml_port)
    try:
        gateway.wait()
        _wait_port(bare_port)
        if mlserver is not None:
            _wait_ready(f"http://127.0.0.1:{ml_port}/v2/models/fraud/ready")
        rows = []
        for concurrency in (int(c) for c in args.concurrency.split(",")):
            row: dict = {"concurrency": concurrency, "rows": args.rows}
            runs = [("bare", f"http://127.0.0.1:{bare_port}/v2/models/fraud/infer", body, {}),
                    ("gateway", f"{gateway.url}/v2/models/fraud/infer", body, bearer(project.tokens["mia"]))]
            if mlserver is not None:
                runs.append(("mlserver", f"http://127.0.0.1:{ml_port}/v2/models/fraud/infer", _tensor_body(body), {}))
            for name, url, payload, headers in runs:
                latencies, seconds = asyncio.run(_load(url, payload, headers, args.requests, concurrency))
                row[f"{name}_p50_ms"], row[f"{name}_p99_ms"] = _pct(latencies, .5), _pct(latencies, .99)
                row[f"{name}_rps"] = len(latencies) / seconds
            rows.append(row)
        import httpx

        metrics = httpx.get(f"{gateway.url}/metrics", headers=bearer(project.tokens["mia"])).text
        overhead = [ln for ln in metrics.splitlines() if ln.startswith(("secplan_overhead_seconds_sum{",
                                                                          "secplan_request_seconds_count{"))]
    finally:
        gateway.stop()
        for proc in (bare, mlserver):
            if proc is not None:
                proc.terminate()
                proc.wait()
    print(f"model: random forest, 25 trees, {len(FEATURES)} features; {args.requests} requests per run")
    if mlserver is None:
        print(f"(MLServer column skipped: {MLSERVER} not found; see the docstring)")
    print(f"{'conc':>4} {'bare p50':>9} {'bare p99':>9} {'bare rps':>9} {'gw p50':>8} {'gw p99':>8} {'gw rps':>8} "
          f"{'+p50 ms':>8} {'+p99 ms':>8} {'rps ratio':>9} {'mls p50':>8} {'mls p99':>8} {'mls rps':>8} {'gw/mls':>7}")
    for r in rows:
        ml = (f"{r['mlserver_p50_ms']:8.2f} {r['mlserver_p99_ms']:8.2f} {r['mlserver_rps']:8.0f} "
              f"{r['gateway_rps'] / r['mlserver_rps']:7.2f}") if "mlserver_rps" in r else ""
        print(f"{r['concurrency']:>4} {r['bare_p50_ms']:9.2f} {r['bare_p99_ms']:9.2f} {r['bare_rps']:9.0f} "
              f"{r['gateway_p50_ms']:8.2f} {r['gateway_p99_ms']:8.2f} {r['gateway_rps']:8.0f} "
              f"{r['gateway_p50_ms'] - r['bare_p50_ms']:8.2f} {r['gateway_p99_ms'] - r['bare_p99_ms']:8.2f} "
              f"{r['gateway_rps'] / r['bare_rps']:9.2f} {ml}")
    print("gateway metrics:", "; ".join(overhead))
    print(json.dumps(rows))


if __name__ == "__main__":
    main()
