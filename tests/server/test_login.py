"""OIDC login against a small identity provider on loopback: authorisation code with PKCE (S256),
state and nonce checked, the session cookie's grants deciding, and CSRF protection of its writes."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
import secrets
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlencode, urlsplit

import httpx
import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from tests.serve.conftest import free_port
from tests.server.conftest import Org, Server
from tests.server.test_startup import _org

CLIENT = "secplan-dashboard"


class Provider:
    """Discovery, an authorisation endpoint that consents at once for ``?login_as=USER``, a token
    endpoint that checks the PKCE verifier against the challenge, and the JWKS."""

    def __init__(self) -> None:
        self.key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(self.key.public_key()))
        self.codes: dict[str, dict] = {}
        provider = self

        class Handler(BaseHTTPRequestHandler):
            def _json(self, status: int, body: dict) -> None:
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self) -> None:
                url = urlsplit(self.path)
                query = {k: v[0] for k, v in parse_qs(url.query).items()}
                if url.path == "/.well-known/openid-configuration":
                    self._json(200, {"issuer": provider.url, "authorization_endpoint": f"{provider.url}/authorize",
                                     "token_endpoint": f"{provider.url}/token", "jwks_uri": f"{provider.url}/jwks"})
                elif url.path == "/jwks":
                    self._json(200, {"keys": [{**jwk, "kid": "k1", "use": "sig", "alg": "RS256"}]})
                elif url.path == "/authorize":
                    code = secrets.token_urlsafe(16)
                    provider.codes[code] = query
                    self.send_response(302)
                    self.send_header("Location", f"{query['redirect_uri']}?" + urlencode({"code": code,
                                                                                         "state": query["state"]}))
                    self.end_headers()

            def do_POST(self) -> None:
                form = {k: v[0] for k, v in parse_qs(self.rfile.read(int(self.headers["Content-Length"])).decode()).items()}
                asked = provider.codes.pop(form.get("code", ""), None)
                digest = base64.urlsafe_b64encode(hashlib.sha256(form.get("code_verifier", "").encode()).digest())
                if (asked is None or asked["code_challenge_method"] != "S256" or form.get("client_id") != CLIENT
                        or digest.rstrip(b"=").decode() != asked["code_challenge"]
                        or form.get("redirect_uri") != asked["redirect_uri"]):
                    self._json(400, {"error": "invalid_grant"})
                    return
                now = dt.datetime.now(dt.UTC)
                token = jwt.encode({"sub": asked["login_as"], "iss": provider.url, "aud": CLIENT, "iat": now,
                                    "exp": now + dt.timedelta(minutes=5), "nonce": asked["nonce"]},
                                   provider.key, algorithm="RS256", headers={"kid": "k1"})
                self._json(200, {"id_token": token, "token_type": "Bearer"})

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


@pytest.fixture(scope="module")
def login(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Org, Provider]]:
    org = _org(tmp_path_factory.mktemp("login"), token=True)  # ann: viewer of project solo
    provider = Provider()
    port = free_port()
    server = Server(org, "--oidc-issuer", provider.url, "--oidc-client-id", CLIENT,
                    "--public-url", f"http://127.0.0.1:{port}", port=port)
    try:
        org.url = server.wait().removeprefix("listening on ")
        yield org, provider
    finally:
        server.stop()
        provider.server.shutdown()


def _log_in(org: Org, user: str, *, state: str | None = None) -> httpx.Client:
    browser = httpx.Client(base_url=org.url, timeout=30)
    start = browser.get("/api/auth/login")
    assert start.status_code == 302 and "httponly" in start.headers["set-cookie"].lower()
    target = urlsplit(start.headers["location"])
    asked = {k: v[0] for k, v in parse_qs(target.query).items()}
    assert asked["code_challenge_method"] == "S256" and asked["client_id"] == CLIENT and asked["nonce"]
    back = httpx.get(start.headers["location"] + "&" + urlencode({"login_as": user}), timeout=30)
    redirect = back.headers["location"]
    if state is not None:
        redirect = redirect.split("state=")[0] + "state=" + state
    browser.get(redirect.removeprefix(org.url))
    return browser


def test_login_gives_a_session_whose_user_grants_decide(login: tuple[Org, Provider]) -> None:
    org, _ = login
    browser = _log_in(org, "ann")
    session = browser.get("/api/auth/session").json()
    assert session["user"] == "ann" and session["csrf_token"]
    projects = browser.get("/api/v1/projects")
    assert projects.status_code == 200 and [p["name"] for p in projects.json()["items"]] == ["solo"]
    incident = {"title": "t", "type": "model-extraction", "severity": "low"}
    forged = browser.post("/api/v1/projects/solo/incidents", json=incident)
    assert forged.status_code == 403 and "x-csrf-token" in forged.json()["error"]["message"]
    checked = browser.post("/api/v1/projects/solo/incidents", json=incident,
                           headers={"X-CSRF-Token": session["csrf_token"]})
    assert checked.status_code == 403 and "missing permission 'write'" in checked.json()["error"]["message"]
    out = browser.post("/api/auth/logout", headers={"X-CSRF-Token": session["csrf_token"]})
    assert out.status_code == 204
    assert browser.get("/api/v1/projects").status_code == 401


def test_a_login_with_another_state_is_refused(login: tuple[Org, Provider]) -> None:
    org, _ = login
    browser = _log_in(org, "ann", state="not-the-state")
    assert browser.get("/api/auth/session").status_code == 401


def test_a_tampered_session_cookie_is_refused(login: tuple[Org, Provider]) -> None:
    org, _ = login
    browser = _log_in(org, "ann")
    sealed = browser.cookies["secplan_session"]
    _, _, mac = sealed.partition(".")
    forged = base64.urlsafe_b64encode(json.dumps({"exp": 4102444800, "u": "olga"}).encode()).rstrip(b"=").decode()
    browser.cookies.set("secplan_session", f"{forged}.{mac}")
    assert browser.get("/api/v1/projects").status_code == 401
