"""`--workers N --redis URL`: N gateway processes on one port share one rate limit through a real
Redis server; one `listening on` line; SIGTERM stops them all."""

from __future__ import annotations

import json
import shutil
import signal
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.monitor.synthetic import make_frame
from tests.serve.conftest import Gateway, build_project, free_port, run_cli
from tests.serve.traffic import bearer, v2_body


@pytest.fixture(scope="module")
def redis_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A real redis-server on loopback (the Debian package `make test` installs), no persistence."""
    binary = shutil.which("redis-server")
    if binary is None:
        pytest.skip("redis-server is not installed (make test installs it when run as root)")
    port = free_port()
    work = tmp_path_factory.mktemp("redis")
    proc = subprocess.Popen([binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
                             "--dir", str(work)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 20
    while subprocess.run(["redis-cli", "-p", str(port), "ping"], capture_output=True, text=True).stdout.strip() != "PONG":
        assert time.monotonic() < deadline and proc.poll() is None, "redis-server did not start"
        time.sleep(0.1)
    yield f"redis://127.0.0.1:{port}/0"
    proc.terminate()
    proc.wait()


def _running(project) -> list[int]:
    status = run_cli(project, "monitor", "status", "--format", "json", "-C", str(project.root))
    assert status.returncode == 0, status.stderr
    return [m["port"] for m in json.loads(status.stdout)["models"] if m["running"] for _ in range(m["workers"])]


def test_two_workers_share_one_rate_limit_through_redis(tmp_path: Path, redis_url: str) -> None:
    project = build_project(tmp_path / "project")
    gw = Gateway(project, "fraud@1", "--workers", "2", "--redis", redis_url, "--rate", "6/minute", "--budget", "0")
    try:
        assert gw.wait() == f"listening on {gw.url}"
        body, auth = v2_body(make_frame(1, 3)), bearer(project.tokens["mia"])
        codes = []
        for _ in range(14):  # a new connection each time: the kernel spreads them over both workers
            with httpx.Client(base_url=gw.url, timeout=30) as client:
                codes.append(client.post("/v2/models/fraud/infer", json=body, headers=auth).status_code)
        assert codes.count(200) == 6 and codes.count(429) == 8, codes
        assert sorted(_running(project)) == [gw.port, gw.port]  # two gateway runs, one port
        gw.proc.send_signal(signal.SIGTERM)
        assert gw.proc.wait(timeout=60) == 0
        assert _running(project) == []
    finally:
        gw.stop()


def test_several_workers_without_redis_is_a_usage_error(tmp_path: Path) -> None:
    project = build_project(tmp_path / "project")
    result = run_cli(project, "serve", "fraud@1", "--workers", "2", "--port", str(free_port()), "-C", str(project.root))
    assert result.returncode == 2 and "--workers above 1 needs --redis" in result.stderr


def test_sigterm_stops_one_gateway_cleanly_and_records_it(tmp_path: Path) -> None:
    project = build_project(tmp_path / "project")
    gw = Gateway(project, "fraud@1")
    try:
        gw.wait()
        assert _running(project) == [gw.port]
        gw.proc.send_signal(signal.SIGTERM)
        assert gw.proc.wait(timeout=60) == 0  # not killed by the signal: it unwound and stored its end
        assert _running(project) == []
    finally:
        gw.stop()


def test_two_workers_feed_one_monitor_that_sees_a_clients_whole_traffic(tmp_path: Path, redis_url: str) -> None:
    """60 queries drawn from published statistics, each on a new connection (the kernel spreads them
    over both workers): neither worker's share reaches the 50 queries a client needs before it is
    judged, so only a monitor that sees the whole stream can raise the extraction alert."""
    import numpy as np

    from secplan.data.validate.profile import build_profile
    from secplan.model.monitor.alerts import list_alerts
    from tests.monitor.synthetic import FEATURES
    from tests.serve.conftest import inside

    project = build_project(tmp_path / "project")
    gw = Gateway(project, "fraud@1", "--workers", "2", "--redis", redis_url, "--rate", "1000/second", "--budget", "0")
    try:
        gw.wait()
        profile = build_profile(make_frame(4000, 7)[FEATURES], "published")
        rng = np.random.default_rng(4)
        auth = bearer(project.tokens["eve"])
        for _ in range(60):
            row = {f: float(np.interp(rng.uniform(0.01, 0.99), np.linspace(0, 1, len(q := profile.columns[f].quantiles)),
                                      q)) for f in FEATURES}
            body = {"inputs": [{"name": f, "shape": [1], "datatype": "FP64", "data": [row[f]]} for f in FEATURES]}
            with httpx.Client(base_url=gw.url, timeout=30) as client:
                assert client.post("/v2/models/fraud/infer", json=body, headers=auth).status_code == 200
        deadline = time.monotonic() + 60
        while True:
            status = json.loads(run_cli(project, "monitor", "status", "--format", "json", "-C",
                                        str(project.root)).stdout)["models"][0]
            if status["requests"] >= 60:
                break
            assert time.monotonic() < deadline, status
            time.sleep(0.3)
        assert status["requests"] == 60 and status["workers"] == 2  # one count for both, not two halves
        with inside(project.root, project.env) as store:
            found = [a for a in list_alerts(store) if a["kind"] == "extraction" and a["client"] == "eve"]
        assert found and found[0]["window"]["last"] <= 60
        gw.proc.send_signal(signal.SIGTERM)
        assert gw.proc.wait(timeout=60) == 0
        assert _running(project) == []
    finally:
        gw.stop()
