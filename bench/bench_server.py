"""Benchmark: the control-plane API under load, and its findings page against the bare SQL it runs.

    .venv/bin/python bench/bench_server.py [--projects 100] [--assessments 200] [--findings 100000]
        [--clients 50] [--requests 2000] [--database-url URL]

Builds an organisation in a fresh store (SQLite in a temporary folder, or the PostgreSQL database
given): ``--projects`` projects, ``--assessments`` stored assessments spread over them (each kept
through the server's own upload path, so it is indexed as an upload is), ``--findings`` findings
across the projects' current assessments (severities and controls spread as in a real report), and
a user who may read every project with an all-projects token. Then a real ``secplan server`` on
loopback, and in one run:

1. p50/p95/p99 and errors of the first findings page (50 items) and of the portfolio, each with
   ``--clients`` concurrent clients (httpx, async) sending ``--requests`` requests in all;
2. one client, sequential: the API's findings page vs the bare SQL statements it runs (projects,
   current assessments, the page; and the count, which a warm server has cached: an assessment's
   index rows never change), on the same database from this process, with the ratios.

Prints a table; not a test: nothing here asserts.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import datetime as dt
import os
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "src"))

SEVERITIES = ("critical", "high", "medium", "medium", "low", "low", "low", "info")


def _template() -> dict:
    """A real assessment of an empty project: the controls, pillars and counts a report has."""
    from secplan.assess.pipeline import assess
    from secplan.plan.loader import parse_plan

    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        (root / "secplan.yaml").write_text("version: 1\nproject: {name: template, owners: [o@example.com]}\n")
        return assess(root, parse_plan((root / "secplan.yaml").read_text())).model_dump(mode="json")


def _report(template: dict, name: str, findings: int, seed: int) -> dict:
    import copy

    doc = copy.deepcopy(template)
    doc["project"] = {"name": name}
    controls = doc["controls"]
    for control in controls:
        control["findings"] = [f for f in control["findings"] if f["outcome"] != "negative"]
    for n in range(findings):
        control = controls[(n * 7 + seed) % len(controls)]
        severity = SEVERITIES[(n + seed) % len(SEVERITIES)]
        control["findings"].append({
            "id": f"bench-probe/{seed}-{n:06d}", "probe": "bench-probe", "control": control["id"],
            "severity": severity, "outcome": "negative", "state": "open" if n % 10 else "waived",
            "message": f"dependency pkg{n % 500} 1.{n % 9}.0 has a known vulnerability",
            "location": {"path": f"services/s{n % 50}/requirements.txt", "line": n % 40 + 1},
            "remediation": "upgrade to the fixed version", "details": {}})
    return doc


def build(db_url: str, home: Path, projects: int, assessments: int, findings: int) -> str:
    """The organisation; returns the reader's token."""
    os.environ["SECPLAN_DATABASE_URL"] = db_url
    from secplan.access.records import Grant
    from secplan.assess.result import AssessmentDoc
    from secplan.human import accounts
    from secplan.projects import Project, ProjectRow
    from secplan.server.queries.assessments import store_upload
    from secplan.store.db import Store

    (home / "server").mkdir(parents=True)
    store = Store.for_project(home / "server")
    template = _template()
    names = [Project(str(uuid.uuid4()), f"project-{n:03d}") for n in range(projects)]
    with store.session() as session:
        for p in names:
            session.add(ProjectRow(id=p.id, name=p.name))
    accounts.add_user(store, "lead")
    with store.session() as session:
        for p in names:
            session.add(Grant(user_name="lead", role="viewer", project_id=p.id, granted_by="bench"))
    token = accounts.create_token(store, "lead", scope="read", all_projects=True,
                                  expires=dt.date.today() + dt.timedelta(days=2)).token
    per_current = findings // projects
    started = time.perf_counter()
    for n in range(assessments):
        project = names[n % projects]
        latest = n >= assessments - projects
        doc = AssessmentDoc.model_validate(_report(template, project.name, per_current if latest else per_current // 2, n))
        store_upload(store, project, doc, branch="main", commit=f"{n:040x}", pipeline=None, uploaded_by="bench")
    print(f"built {projects} projects, {assessments} assessments, {findings:,} current findings "
          f"in {time.perf_counter() - started:.0f} s", file=sys.stderr)
    store.dispose()
    return token


async def load(url: str, headers: dict[str, str], requests: int, clients: int) -> tuple[list[float], int]:
    """``requests`` GETs of ``url`` from ``clients`` concurrent clients: latencies and errors."""
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


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000


def bare_sql(db_url: str, home: Path, repeats: int) -> tuple[float, float]:
    """Median times of the statements the findings route runs, straight on the database from this
    process: (the projects, the current assessments, the page) as a warm server runs them, and the
    same plus the count (which a warm server answers from its cache of totals)."""
    from sqlalchemy import func, select

    from secplan.projects import ProjectRow
    from secplan.server.queries.findings import FindingFilter, _filtered, page_query
    from secplan.server.queries.latest import latest_ids
    from secplan.server.records import IndexedFinding
    from secplan.store.base import utcnow
    from secplan.store.db import Store

    store = Store(db_url, home / "server" / ".secplan")
    f = FindingFilter()
    warm, cold = [], []
    for _ in range(repeats):
        now = utcnow()
        t0 = time.perf_counter()
        with store.engine.connect() as conn:
            ids = [row[0] for row in conn.execute(select(ProjectRow.id))]
        current = list(latest_ids(store, ids).values())
        with store.engine.connect() as conn:
            conn.execute(page_query(current, f, None, 51, now)).all()
            t1 = time.perf_counter()
            conn.execute(_filtered(select(func.count()).select_from(IndexedFinding), current, f, now)).scalar_one()
        t2 = time.perf_counter()
        warm.append(t1 - t0)
        cold.append(t2 - t0)
    store.dispose()
    return statistics.median(warm), statistics.median(cold)


def arguments(description: str) -> argparse.Namespace:
    """The organisation's sizes, the load and the database: the same options for every server bench."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--projects", type=int, default=100)
    parser.add_argument("--assessments", type=int, default=200)
    parser.add_argument("--findings", type=int, default=100_000)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--database-url", default=None)
    return parser.parse_args()


@contextlib.contextmanager
def organisation_server(args: argparse.Namespace, env: dict[str, str] | None = None) -> Iterator[Running]:
    """Build the organisation in a fresh store, start ``secplan server`` on it, stop it afterwards."""
    from tests.serve.conftest import free_port

    with tempfile.TemporaryDirectory() as folder:
        home = Path(folder)
        db_url = args.database_url or f"sqlite:///{home / 'server.db'}"
        os.environ["SECPLAN_LEDGER_KEY"] = str(home / "ledger.key")
        token = build(db_url, home, args.projects, args.assessments, args.findings)
        port = free_port()
        server = subprocess.Popen([sys.executable, "-m", "secplan", "server", "--port", str(port), "--database-url",
                                   db_url, "--rate", "1000000/second", "-C", str(home / "server")],
                                  env={**os.environ, "PYTHONPATH": str(ROOT / "src"), "SECPLAN_DATABASE_URL": db_url,
                                       **(env or {})},
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        try:
            line = server.stdout.readline() if server.stdout else ""
            if not line.startswith("listening on"):
                raise SystemExit(f"server did not start: {line!r}")
            yield Running(f"http://127.0.0.1:{port}", token, db_url, home)
        finally:
            server.terminate()
            server.wait(timeout=30)
            problems = server.stderr.read() if server.stderr else ""
            if problems.strip():
                print("server stderr:", problems[-2000:], file=sys.stderr)


@dataclass(frozen=True)
class Running:
    base: str
    token: str
    db_url: str
    home: Path


def main() -> int:
    args = arguments(__doc__.split("\n")[0])
    import httpx

    with organisation_server(args) as running:
        bearer = {"Authorization": f"Bearer {running.token}"}
        findings_url = f"{running.base}/api/v1/findings?page_size=50"
        portfolio_url = f"{running.base}/api/v1/projects?page_size=100"
        with httpx.Client(headers=bearer) as c:  # warm: token, policy, caches
            first = c.get(findings_url).json()
            c.get(portfolio_url)
        rows = []
        for label, url in (("findings page (50)", findings_url), ("portfolio (100 projects)", portfolio_url)):
            latencies, errors = asyncio.run(load(url, bearer, args.requests, args.clients))
            rows.append((label, pct(latencies, 0.5), pct(latencies, 0.95), pct(latencies, 0.99), errors))
        sequential = []
        with httpx.Client(headers=bearer) as c:
            for _ in range(50):
                t0 = time.perf_counter()
                c.get(findings_url)
                sequential.append(time.perf_counter() - t0)
        api = statistics.median(sequential)
        sql, sql_count = bare_sql(running.db_url, running.home, 50)
    backend = running.db_url.split(":", 1)[0]
    print(f"\n{backend}: {args.projects} projects, {args.assessments} assessments, {first['total']:,} current "
          f"findings; {args.clients} concurrent clients, {args.requests} requests per route\n")
    print("| route | p50 ms | p95 ms | p99 ms | errors |\n|---|---:|---:|---:|---:|")
    for label, p50, p95, p99, errors in rows:
        print(f"| {label} | {p50:.1f} | {p95:.1f} | {p99:.1f} | {errors} |")
    print(f"\nfindings page, one client, median of 50: API {api * 1000:.1f} ms; bare SQL of the same statements "
          f"{sql * 1000:.1f} ms (ratio {api / sql:.2f}x), with the count a cold cache adds {sql_count * 1000:.1f} ms "
          f"(ratio {api / sql_count:.2f}x)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
