"""After a ``kill -9`` of the gateway, every request a client saw answered is in the ledger (on a
SQLite file and on PostgreSQL), and the ledger still verifies."""

from __future__ import annotations

import json
import os
import signal
import threading
import time
from pathlib import Path

import httpx

from secplan.ledger import verify
from secplan.ledger.query import find
from tests.monitor.synthetic import make_frame
from tests.serve.conftest import Gateway, build_project, inside
from tests.serve.traffic import bearer, v2_body


def test_no_acknowledged_request_is_lost_to_kill_9(db_url: str, tmp_path: Path) -> None:
    project = build_project(tmp_path / "project", None if db_url.startswith("sqlite") else db_url)
    gw = Gateway(project, "fraud@1", "--rate", "5000/second")
    gw.wait()
    body = v2_body(make_frame(3, 8))
    acknowledged: list[str] = []
    lock = threading.Lock()
    stop = threading.Event()

    def client(n: int) -> None:
        with httpx.Client(base_url=gw.url, timeout=10) as c:
            i = 0
            while not stop.is_set():
                rid = f"c{n}-{i}"
                i += 1
                try:
                    r = c.post("/v2/models/fraud/infer", json={**body, "id": rid}, headers=bearer(project.tokens["mia"]))
                except httpx.HTTPError:
                    return  # the gateway is gone
                if r.status_code == 200:
                    with lock:
                        acknowledged.append(rid)

    threads = [threading.Thread(target=client, args=(n,)) for n in range(6)]
    for t in threads:
        t.start()
    deadline = time.monotonic() + 30
    while len(acknowledged) < 60 and time.monotonic() < deadline:
        time.sleep(0.05)
    os.kill(gw.proc.pid, signal.SIGKILL)
    gw.proc.wait()
    stop.set()
    for t in threads:
        t.join()
    assert len(acknowledged) >= 60
    with inside(project.root, project.env) as store:
        ledgered = {json.loads(e.details).get("request_id") for e in find(store, action="model.infer")}
        report = verify(store)
    missing = [rid for rid in acknowledged if rid not in ledgered]
    assert missing == []
    assert report.ok, report
