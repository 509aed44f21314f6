"""A gateway with TLS, OIDC bearers checked against a JWKS, a small query budget and an alert
webhook: each over real sockets on loopback (the identity provider and the webhook receiver are a
small HTTP server started here)."""

from __future__ import annotations

import datetime as dt
import json
import ssl
import subprocess
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx
import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from tests.monitor.synthetic import make_frame
from tests.serve.conftest import Gateway, inside
from tests.serve.traffic import bearer, v2_body

ISSUER, AUDIENCE = "https://idp.example.test", "secplan-gateway"


class _Idp:
    """The identity provider's JWKS and a webhook receiver on one loopback server."""

    def __init__(self) -> None:
        self.key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(self.key.public_key()))
        self.jwks = json.dumps({"keys": [{**jwk, "kid": "k1", "use": "sig", "alg": "RS256"}]}).encode()
        self.hooks: list[dict] = []
        idp = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                self.wfile.write(idp.jwks)

            def do_POST(self) -> None:
                idp.hooks.append(json.loads(self.rfile.read(int(self.headers["Content-Length"]))))
                self.send_response(204)
                self.end_headers()

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def token(self, sub: str, *, key=None, audience: str = AUDIENCE, expires_in: int = 300) -> str:
        now = dt.datetime.now(dt.UTC)
        claims = {"sub": sub, "iss": ISSUER, "aud": audience, "iat": now, "exp": now + dt.timedelta(seconds=expires_in)}
        return jwt.encode(claims, key or self.key, algorithm="RS256", headers={"kid": "k1"})


@pytest.fixture(scope="module")
def secured(project, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple]:
    from secplan.human import accounts

    folder = tmp_path_factory.mktemp("tls")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                    "-keyout", str(key), "-out", str(cert), "-days", "1", "-subj", "/CN=127.0.0.1",
                    "-addext", "subjectAltName=IP:127.0.0.1"], check=True, capture_output=True)
    with inside(project.root, project.env) as store:
        for user, role in (("olga", "model-client"), ("viktor", None)):
            accounts.add_user(store, user)
            if role:
                accounts.grant_role(store, user, role)
    idp = _Idp()
    gw = Gateway(project, "fraud@1", "--tls-cert", str(cert), "--tls-key", str(key), "--jwks-url", f"{idp.url}/jwks",
                 "--jwt-issuer", ISSUER, "--jwt-audience", AUDIENCE, "--budget", "50", "--webhook", f"{idp.url}/hook")
    try:
        line = gw.wait()
        yield project, idp, gw, line, cert
    finally:
        gw.stop()
        idp.server.shutdown()


def _post(secured, token: str, rows: int = 1) -> httpx.Response:
    _, _, gw, _, cert = secured
    trust = ssl.create_default_context(cafile=str(cert))
    with httpx.Client(base_url=f"https://127.0.0.1:{gw.port}", verify=trust, timeout=30) as c:
        return c.post("/v2/models/fraud/infer", json=v2_body(make_frame(rows, 8)), headers=bearer(token))


def test_tls_only(secured) -> None:
    _, _, gw, line, _ = secured
    assert line == f"listening on https://127.0.0.1:{gw.port}"
    with pytest.raises(httpx.HTTPError):
        httpx.get(f"http://127.0.0.1:{gw.port}/v2", timeout=5)


def test_oidc_bearer_of_a_granted_user_is_served(secured) -> None:
    _, idp, *_ = secured
    assert _post(secured, idp.token("olga")).status_code == 200


@pytest.mark.parametrize("case", ["expired", "wrong audience", "another key"])
def test_bad_jwt_is_401(secured, case: str) -> None:
    _, idp, *_ = secured
    token = {"expired": lambda: idp.token("olga", expires_in=-120),
             "wrong audience": lambda: idp.token("olga", audience="another-service"),
             "another key": lambda: idp.token("olga", key=rsa.generate_private_key(public_exponent=65537,
                                                                                   key_size=2048))}[case]()
    r = _post(secured, token)
    assert r.status_code == 401 and "JWT rejected" in r.json()["error"]


def test_oidc_user_without_the_role_is_403(secured) -> None:
    _, idp, *_ = secured
    r = _post(secured, idp.token("viktor"))
    assert r.status_code == 403 and "viktor" in r.json()["error"]


def test_spent_budget_is_429_and_raises_a_budget_alert_to_the_webhook(secured) -> None:
    project, idp, *_ = secured
    assert _post(secured, project.tokens["pia"], rows=45).status_code == 200
    r = _post(secured, project.tokens["pia"], rows=10)
    assert r.status_code == 429 and "budget" in r.json()["error"]
    deadline = time.monotonic() + 30
    while not [h for h in idp.hooks if h["kind"] == "budget" and h["client"] == "pia"]:
        assert time.monotonic() < deadline, f"no budget alert at the webhook: {idp.hooks}"
        time.sleep(0.3)
    hook = next(h for h in idp.hooks if h["kind"] == "budget")
    assert hook["score"] >= hook["threshold"] and hook["incident"] is not None and hook["model"] == "fraud@1"
