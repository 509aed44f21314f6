"""Starting the server: loopback until authentication is configured, TLS with HSTS, the rate limit
with its headers and 429, and precise refusals of bad options (exit 2, no traceback)."""

from __future__ import annotations

import datetime as dt
import ssl
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.probes.helpers import make_project
from tests.server.conftest import Org, Server, project_store, server_env


def _org(root: Path, *, token: bool) -> Org:
    db_url = f"sqlite:///{root / 'server.db'}"
    org = Org(root, db_url, server_env(root, db_url))
    (root / "solo").mkdir(parents=True)
    project = make_project(root / "solo", project={"name": "solo", "id": str(uuid.uuid4())})
    with project_store(org.env, project) as store:
        if token:
            from secplan.human import accounts

            accounts.add_user(store, "ann")
            accounts.grant_role(store, "ann", "viewer")
            org.tokens["ann"] = accounts.create_token(store, "ann", scope="read",
                                                      expires=dt.date.today() + dt.timedelta(days=2)).token
    return org


def _run(org: Org, *args: str) -> subprocess.CompletedProcess:
    (org.root / "server").mkdir(exist_ok=True)
    return subprocess.run([sys.executable, "-m", "secplan", "server", "--database-url", org.db_url,
                           "-C", str(org.root / "server"), *args], env=org.env, capture_output=True, text=True,
                          timeout=120)


def test_beyond_loopback_only_once_a_token_exists(tmp_path: Path) -> None:
    done = _run(_org(tmp_path, token=False), "--host", "0.0.0.0", "--port", "1")
    assert done.returncode == 2 and done.stdout == ""
    assert "authentication is configured" in done.stderr and "secplan tokens create" in done.stderr
    assert "Traceback" not in done.stderr


@pytest.mark.parametrize("args, message", [(("--tls-cert", "cert.pem"), "--tls-cert and --tls-key together"),
                                           (("--port", "70000"), "--port 70000"),
                                           (("--rate", "lots"), "--rate 'lots'")])
def test_bad_options_are_refused_precisely(tmp_path: Path, args: tuple[str, ...], message: str) -> None:
    done = _run(_org(tmp_path, token=False), *args)
    assert done.returncode == 2 and message in done.stderr and "Traceback" not in done.stderr


@pytest.fixture(scope="module")
def tls(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Org, Server, Path]]:
    root = tmp_path_factory.mktemp("tls")
    cert, key = root / "cert.pem", root / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                    "-keyout", str(key), "-out", str(cert), "-days", "1", "-subj", "/CN=127.0.0.1",
                    "-addext", "subjectAltName=IP:127.0.0.1"], check=True, capture_output=True)
    org = _org(root, token=True)
    server = Server(org, "--tls-cert", str(cert), "--tls-key", str(key), "--rate", "3/minute")
    try:
        org.url = server.wait().removeprefix("listening on ")
        yield org, server, cert
    finally:
        server.stop()


def test_tls_answers_with_hsts_and_refuses_clear_http(tls: tuple[Org, Server, Path]) -> None:
    org, server, cert = tls
    assert org.url == f"https://127.0.0.1:{server.port}"
    with httpx.Client(verify=ssl.create_default_context(cafile=str(cert)), timeout=30) as c:
        health = c.get(f"{org.url}/api/health")
    assert health.status_code == 200 and health.json()["status"] == "ok"
    assert health.headers["strict-transport-security"].startswith("max-age=")
    with pytest.raises(httpx.HTTPError):
        httpx.get(f"http://127.0.0.1:{server.port}/api/health", timeout=5)


def test_the_rate_limit_answers_429_with_its_headers(tls: tuple[Org, Server, Path]) -> None:
    org, _, cert = tls
    headers = {"Authorization": f"Bearer {org.tokens['ann']}"}
    trust = ssl.create_default_context(cafile=str(cert))
    with httpx.Client(verify=trust, headers=headers, timeout=30) as c:
        answers = [c.get(f"{org.url}/api/v1/projects") for _ in range(4)]
    with httpx.Client(verify=trust, timeout=30) as anonymous:  # another client: counted apart
        other = anonymous.get(f"{org.url}/api/v1/projects")
    assert [a.status_code for a in answers[:3]] == [200, 200, 200]
    assert [a.headers["ratelimit-remaining"] for a in answers[:3]] == ["2", "1", "0"]
    refused = answers[3]
    assert refused.status_code == 429 and refused.json()["error"]["code"] == "rate_limited"
    assert int(refused.headers["retry-after"]) >= 1 and refused.headers["ratelimit-limit"] == "3"
    assert int(refused.headers["retry-after"]) <= 60
    assert other.status_code == 401
