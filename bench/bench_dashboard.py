"""Benchmark: the dashboard's pages under load, beside the API routes they show.

    .venv/bin/python bench/bench_dashboard.py [--projects 100] [--assessments 200] [--findings 100000]
        [--clients 50] [--requests 2000] [--database-url URL]

Builds the organisation of ``bench/bench_server.py`` (same sizes, same upload path), starts a real
``secplan server`` on loopback, logs in to the dashboard with the reader's token (the login form,
its CSRF value, the session cookie) and measures p50/p95/p99 and errors of the findings page (50
rows) and the portfolio page (100 projects, with sparklines) with ``--clients`` concurrent clients,
and of the API routes behind them for comparison, then one client's median for each, in one run.
Prints a table; nothing asserts.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "src"))


async def _load(url: str, headers: dict[str, str], requests: int, clients: int) -> tuple[list[float], int]:
    import httpx

    latencies: list[float] = []
    errors = 0
    queue = list(range(requests))

    async def one(client: httpx.AsyncClient) -> None:
        nonlocal errors
        while queue:
            queue.pop()
            t0 = time.perf_counter()
            try:
                response = await client.get(url)
            except httpx.HTTPError:
                errors += 1
                continue
            latencies.append(time.perf_counter() - t0)
            errors += response.status_code != 200

    async with httpx.AsyncClient(headers=headers, limits=httpx.Limits(max_connections=clients), timeout=60) as client:
        await asyncio.gather(*(one(client) for _ in range(clients)))
    return latencies, errors


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000 if ordered else float("nan")


def _session_cookie(base: str, token: str) -> str:
    """Log in as a browser does; the ``Cookie`` header of the session."""
    import httpx

    with httpx.Client(base_url=base, timeout=60) as c:
        form = c.get("/ui/login")
        csrf = re.search(r'name="csrf" value="([^"]+)"', form.text).group(1)
        r = c.post("/ui/login", data={"token": token, "csrf": csrf, "next": "/ui/"})
        if r.status_code != 303:
            raise SystemExit(f"login failed: {r.status_code}")
        return f"secplan_page={c.cookies['secplan_page']}"


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--projects", type=int, default=100)
    parser.add_argument("--assessments", type=int, default=200)
    parser.add_argument("--findings", type=int, default=100_000)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args()
    import httpx
    from bench.bench_server import build
    from tests.serve.conftest import free_port

    with tempfile.TemporaryDirectory() as folder:
        home = Path(folder)
        db_url = args.database_url or f"sqlite:///{home / 'server.db'}"
        os.environ["SECPLAN_LEDGER_KEY"] = str(home / "ledger.key")
        token = build(db_url, home, args.projects, args.assessments, args.findings)
        port = free_port()
        env = {**os.environ, "PYTHONPATH": str(ROOT / "src"), "SECPLAN_DATABASE_URL": db_url,
               "SECPLAN_SERVER_SECRET": "bench-secret"}
        server = subprocess.Popen([sys.executable, "-m", "secplan", "server", "--port", str(port), "--database-url",
                                   db_url, "--rate", "1000000/second", "-C", str(home / "server")],
                                  env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        try:
            line = server.stdout.readline() if server.stdout else ""
            if not line.startswith("listening on"):
                raise SystemExit(f"server did not start: {line!r}")
            base = f"http://127.0.0.1:{port}"
            page = {"Cookie": _session_cookie(base, token)}
            bearer = {"Authorization": f"Bearer {token}"}
            routes = (("findings page (50 rows)", f"{base}/ui/findings", page),
                      ("portfolio page (100 projects)", f"{base}/ui/", page),
                      ("API findings (50)", f"{base}/api/v1/findings?page_size=50", bearer),
                      ("API portfolio (100)", f"{base}/api/v1/projects?page_size=100", bearer))
            for _, url, headers in routes:  # warm: token, policy, caches
                with httpx.Client(headers=headers, timeout=60) as c:
                    if c.get(url).status_code != 200:
                        raise SystemExit(f"{url}: not 200 before the run")
            rows, alone = [], []
            for label, url, headers in routes:
                latencies, errors = asyncio.run(_load(url, headers, args.requests, args.clients))
                rows.append((label, _pct(latencies, 0.5), _pct(latencies, 0.95), _pct(latencies, 0.99), errors))
            for label, url, headers in routes:  # one client, sequential: the cost of one answer
                with httpx.Client(headers=headers, timeout=60) as c:
                    times = []
                    for _ in range(50):
                        t0 = time.perf_counter()
                        c.get(url)
                        times.append(time.perf_counter() - t0)
                alone.append((label, statistics.median(times) * 1000))
        finally:
            server.terminate()
            server.wait(timeout=30)
    backend = db_url.split(":", 1)[0]
    print(f"\n{backend}: {args.projects} projects, {args.assessments} assessments, {args.findings:,} findings; "
          f"{args.clients} concurrent clients, {args.requests} requests per route\n")
    print("| route | p50 ms | p95 ms | p99 ms | errors |\n|---|---:|---:|---:|---:|")
    for label, p50, p95, p99, errors in rows:
        print(f"| {label} | {p50:.1f} | {p95:.1f} | {p99:.1f} | {errors} |")
    print("\none client, sequential, median of 50:")
    for label, median in alone:
        print(f"  {label}: {median:.1f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
