"""Live probes against real ML servers started on 127.0.0.1: Jupyter Server (from the test extra) with
and without a token, and MLflow when its separate venv exists (.bench/mlflow-venv, see docs)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from secplan.platform.live import probe

REPO = Path(__file__).resolve().parents[2]
MLFLOW = REPO / ".bench" / "mlflow-venv" / "bin" / "mlflow"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(url: str, proc: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited with {proc.returncode}")
        try:
            urllib.request.urlopen(url, timeout=2)
            return
        except urllib.error.HTTPError:
            return  # answering, even if with 401/403
        except OSError:
            time.sleep(0.3)
    raise TimeoutError(url)


def start(cmd: list[str], url: str, tmp: Path, timeout: float = 90) -> subprocess.Popen:
    env = {**os.environ, "JUPYTER_CONFIG_DIR": str(tmp / "cfg"), "JUPYTER_DATA_DIR": str(tmp / "data"),
           "JUPYTER_RUNTIME_DIR": str(tmp / "rt"), "HOME": str(tmp)}
    proc = subprocess.Popen(cmd, cwd=tmp, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_for(url, proc, timeout)
    except BaseException:
        proc.kill()
        proc.wait()
        raise
    return proc


def stop(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


@pytest.fixture(params=["open", "token"])
def jupyter(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[str, str]]:
    pytest.importorskip("jupyter_server", reason="jupyter-server is in the test extra")
    port = free_port()
    token = "" if request.param == "open" else "t0k3n-for-the-test"
    cmd = [sys.executable, "-m", "jupyter_server", "--ServerApp.ip=127.0.0.1", f"--ServerApp.port={port}",
           f"--IdentityProvider.token={token}", "--ServerApp.password=", "--ServerApp.open_browser=False",
           "--ServerApp.allow_root=True", f"--ServerApp.root_dir={tmp_path}"]
    proc = start(cmd, f"http://127.0.0.1:{port}/api", tmp_path)
    yield request.param, f"http://127.0.0.1:{port}"
    stop(proc)


def test_jupyter(jupyter: tuple[str, str], cli) -> None:
    mode, url = jupyter
    result = probe(url)
    assert result.server == "jupyter"
    assert result.unauthenticated is (mode == "open")
    r = cli("platform", "probe", url, "-f", "json")
    assert r.code == (1 if mode == "open" else 0)
    assert r.json()["results"][0]["severity"] == ("critical" if mode == "open" else None)


@pytest.fixture
def mlflow_server(tmp_path: Path) -> Iterator[str]:
    if not MLFLOW.exists():
        pytest.skip(f"MLflow venv not found at {MLFLOW} (python -m venv .bench/mlflow-venv && "
                    ".bench/mlflow-venv/bin/pip install mlflow); kept apart from the project's numpy/pandas")
    port = free_port()
    cmd = [str(MLFLOW), "server", "--host", "127.0.0.1", "--port", str(port), "--workers", "1",
           "--backend-store-uri", f"sqlite:///{tmp_path / 'mlflow.db'}"]
    proc = start(cmd, f"http://127.0.0.1:{port}/health", tmp_path, timeout=240)  # MLflow 3 starts slowly
    yield f"http://127.0.0.1:{port}"
    stop(proc)


def test_mlflow_without_auth(mlflow_server: str) -> None:
    result = probe(mlflow_server)
    assert (result.server, result.unauthenticated, result.severity.value) == ("mlflow", True, "high")


def test_unreachable_and_unknown_servers(tmp_path: Path, cli) -> None:
    closed = f"http://127.0.0.1:{free_port()}"
    assert probe(closed).message.startswith("unreachable")
    (tmp_path / "index.html").write_text("hello")
    port = free_port()
    proc = start([sys.executable, "-m", "http.server", str(port), "--bind", "127.0.0.1"],
                 f"http://127.0.0.1:{port}/", tmp_path)
    try:
        result = probe(f"http://127.0.0.1:{port}")
        assert result.server is None and not result.unauthenticated
    finally:
        stop(proc)
    r = cli("platform", "probe", "ftp://example")
    assert r.code == 2 and "not an http(s) URL" in r.err
