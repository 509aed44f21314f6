"""Benchmark: secplan's gateway with every guard on vs a bare FastAPI endpoint on the same model.

    .venv/bin/python bench/bench_serve.py [--requests 2000] [--concurrency 1,8] [--rows 1]

Both run on uvicorn over loopback, serving one random forest (the same file): the bare endpoint
loads it in its own process and answers the same V2 body with no guard at all; the gateway runs
the preflight, loads it in its worker process, and authenticates, rate-limits, validates,
minimises, ledgers (durably, before answering) and monitors every request. A small async client
(httpx) sends the same requests to each; reported: p50/p99 latency, throughput and the added
latency. Seldon MLServer is not installed here, so the third column of the issue's plan is absent.

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
    try:
        gateway.wait()
        _wait_port(bare_port)
        rows = []
        for concurrency in (int(c) for c in args.concurrency.split(",")):
            b_lat, b_s = asyncio.run(_load(f"http://127.0.0.1:{bare_port}/v2/models/fraud/infer", body, {},
                                           args.requests, concurrency))
            g_lat, g_s = asyncio.run(_load(f"{gateway.url}/v2/models/fraud/infer", body,
                                           bearer(project.tokens["mia"]), args.requests, concurrency))
            rows.append({"concurrency": concurrency, "rows": args.rows,
                         "bare_p50_ms": _pct(b_lat, .5), "bare_p99_ms": _pct(b_lat, .99),
                         "bare_rps": len(b_lat) / b_s, "gateway_p50_ms": _pct(g_lat, .5),
                         "gateway_p99_ms": _pct(g_lat, .99), "gateway_rps": len(g_lat) / g_s})
        import httpx

        metrics = httpx.get(f"{gateway.url}/metrics", headers=bearer(project.tokens["mia"])).text
        overhead = [ln for ln in metrics.splitlines() if ln.startswith(("secplan_overhead_seconds_sum{",
                                                                          "secplan_request_seconds_count{"))]
    finally:
        gateway.stop()
        bare.terminate()
        bare.wait()
    print(f"model: random forest, 25 trees, {len(FEATURES)} features; {args.requests} requests per run")
    print(f"{'conc':>4} {'bare p50':>9} {'bare p99':>9} {'bare rps':>9} {'gw p50':>8} {'gw p99':>8} {'gw rps':>8} "
          f"{'+p50 ms':>8} {'+p99 ms':>8} {'rps ratio':>9}")
    for r in rows:
        print(f"{r['concurrency']:>4} {r['bare_p50_ms']:9.2f} {r['bare_p99_ms']:9.2f} {r['bare_rps']:9.0f} "
              f"{r['gateway_p50_ms']:8.2f} {r['gateway_p99_ms']:8.2f} {r['gateway_rps']:8.0f} "
              f"{r['gateway_p50_ms'] - r['bare_p50_ms']:8.2f} {r['gateway_p99_ms'] - r['bare_p99_ms']:8.2f} "
              f"{r['gateway_rps'] / r['bare_rps']:9.2f}")
    print("gateway metrics:", "; ".join(overhead))
    print(json.dumps(rows))


if __name__ == "__main__":
    main()
