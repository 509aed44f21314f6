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

import asyncio
import re
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "src"))

from bench.bench_server import arguments, load, organisation_server, pct  # noqa: E402


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
    args = arguments(__doc__.split("\n")[0])
    import httpx

    with organisation_server(args, {"SECPLAN_SERVER_SECRET": "bench-secret"}) as running:
        base, token = running.base, running.token
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
            latencies, errors = asyncio.run(load(url, headers, args.requests, args.clients))
            rows.append((label, pct(latencies, 0.5), pct(latencies, 0.95), pct(latencies, 0.99), errors))
        for label, url, headers in routes:  # one client, sequential: the cost of one answer
            with httpx.Client(headers=headers, timeout=60) as c:
                times = []
                for _ in range(50):
                    t0 = time.perf_counter()
                    c.get(url)
                    times.append(time.perf_counter() - t0)
            alone.append((label, statistics.median(times) * 1000))
    db_url = running.db_url
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
