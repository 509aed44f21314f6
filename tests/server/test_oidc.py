"""OIDC bearers on the server: a JWT from the configured issuer names a secplan user whose grants
decide, per project; a JWT for another audience, expired or signed by another key is a ledgered 401."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from secplan.ledger.query import find
from tests.serve.test_tls_oidc import ISSUER, _Idp
from tests.server.conftest import Org, Server
from tests.server.test_startup import _org

AUDIENCE = "secplan-server"


@pytest.fixture(scope="module")
def oidc(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Org, _Idp]]:
    org = _org(tmp_path_factory.mktemp("oidc"), token=True)  # ann: viewer of project solo
    idp = _Idp()
    server = Server(org, "--jwks-url", f"{idp.url}/jwks", "--jwt-issuer", ISSUER, "--jwt-audience", AUDIENCE)
    try:
        org.url = server.wait().removeprefix("listening on ")
        yield org, idp
    finally:
        server.stop()
        idp.server.shutdown()


def _get(org: Org, token: str, path: str = "/api/v1/projects"):
    org.tokens["jwt"] = token
    with org.client("jwt") as c:
        return c.get(path)


def test_a_jwt_of_a_granted_user_sees_their_projects(oidc: tuple[Org, _Idp]) -> None:
    org, idp = oidc
    answer = _get(org, idp.token("ann", audience=AUDIENCE))
    assert answer.status_code == 200 and [p["name"] for p in answer.json()["items"]] == ["solo"]
    stranger = _get(org, idp.token("zed", audience=AUDIENCE))
    assert stranger.status_code == 403  # no grants anywhere: a reason, not an empty list


@pytest.mark.parametrize("case", ["audience", "expired", "key"])
def test_a_bad_jwt_is_a_ledgered_401(oidc: tuple[Org, _Idp], case: str) -> None:
    org, idp = oidc
    other_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    token = {"audience": idp.token("ann", audience="another-service"),
             "expired": idp.token("ann", audience=AUDIENCE, expires_in=-120),
             "key": idp.token("ann", audience=AUDIENCE, key=other_key)}[case]
    answer = _get(org, token)
    assert answer.status_code == 401 and "JWT rejected" in answer.json()["error"]["message"]
    assert token not in answer.text
    store = org.store()
    try:
        reasons = [json.loads(e.details)["reason"] for e in find(store, action="access.deny", actor="jwt:invalid")]
    finally:
        store.dispose()
    assert any(r.startswith("JWT rejected") for r in reasons)


def test_oidc_needs_issuer_and_audience(tmp_path: Path) -> None:
    from tests.server.test_startup import _run

    done = _run(_org(tmp_path, token=False), "--jwks-url", "https://idp.example.test/jwks")
    assert done.returncode == 2 and "--jwt-issuer and --jwt-audience" in done.stderr
