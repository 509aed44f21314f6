"""Control-plane fixtures: an organisation of two projects with users and tokens in one store (a
SQLite file or a real PostgreSQL database), served by a real ``secplan server`` process on loopback
and talked to with httpx; every answer is checked against the server's OpenAPI document."""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest
from sqlalchemy import create_engine, text, update

from secplan.store.db import Store
from tests.crypto.conftest import PASSPHRASE
from tests.listening import Listening
from tests.probes.helpers import make_project
from tests.serve.conftest import free_port
from tests.server.openapi import Contract

SRC = str(Path(__file__).resolve().parents[2] / "src")
PG_URL = os.environ.get("SECPLAN_TEST_POSTGRES_URL")
#: Alpha's code has no dependency manifest and no incident plan; its second run adds the manifest.
ALPHA_FILES = {"train.py": "import sklearn\nprint('train')\n"}
BETA_FILES = {"serve.py": "import flask\n", "requirements.txt": "flask==0.12\n"}


@dataclass
class Org:
    root: Path
    db_url: str
    env: dict[str, str]
    projects: dict[str, str] = field(default_factory=dict)
    """name -> project id"""
    tokens: dict[str, str] = field(default_factory=dict)
    reports: dict[str, dict] = field(default_factory=dict)
    url: str = ""
    contract: Contract | None = None

    def store(self) -> Store:
        return Store(self.db_url, self.root / "server" / ".secplan", migrate=False)

    def client(self, who: str | None = None, **headers: str) -> httpx.Client:
        auth = {"Authorization": f"Bearer {self.tokens[who]}"} if who else {}
        hooks = {"response": [self._check]}
        return httpx.Client(base_url=self.url, headers={**auth, **headers}, timeout=60, event_hooks=hooks)

    def _check(self, response: httpx.Response) -> None:
        response.read()
        if response.request.url.path.startswith("/api/v1") and self.contract is not None:
            self.contract.check(response)


@contextlib.contextmanager
def environment(env: dict[str, str]) -> Iterator[None]:
    """This process acts with ``env``'s secplan settings only (as the CLI would on the server's host)."""
    with pytest.MonkeyPatch.context() as mp:
        for key in [k for k in os.environ if k.startswith("SECPLAN_") and k != "SECPLAN_SHARED_DIR"]:
            mp.delenv(key)
        for key, value in env.items():
            if key.startswith("SECPLAN_"):
                mp.setenv(key, value)
        yield


@contextlib.contextmanager
def project_store(env: dict[str, str], root: Path) -> Iterator[Store]:
    """The store of the project at ``root``, opened as the CLI would there with ``env``'s settings."""
    with environment(env):
        store = Store.for_project(root)
        try:
            yield store
        finally:
            store.dispose()


def assess_json(root: Path) -> dict:
    """A real assessment of ``root`` by the pipeline, as `secplan assess --format json` prints it."""
    from secplan.assess.pipeline import assess
    from secplan.plan.loader import load_plan

    return assess(root, load_plan(root / "secplan.yaml")).model_dump(mode="json")


def seed(org: Org) -> None:
    """Users and grants: olga admin and sam security officer of alpha; ci engineer of alpha; vera viewer of alpha (with a
    revoked and an expired token beside her valid one); bob viewer and ben engineer of beta; lead viewer of both
    with an all-projects token."""
    from secplan.access.records import Token
    from secplan.human import accounts

    soon = dt.date.today() + dt.timedelta(days=5)
    alpha = make_project(org.root / "alpha", ALPHA_FILES, project={"name": "alpha", "id": str(uuid.uuid4())})
    beta = make_project(org.root / "beta", BETA_FILES, project={"name": "beta", "id": str(uuid.uuid4())})
    with environment(org.env):
        sa, sb = Store.for_project(alpha), Store.for_project(beta)
        try:
            from secplan.projects import project_of

            org.projects = {"alpha": project_of(sa).id, "beta": project_of(sb).id}
            for user in ("olga", "sam", "ci", "vera", "bob", "ben", "lead"):
                accounts.add_user(sa, user)
            for user, role in (("olga", "admin"), ("sam", "security-officer"), ("ci", "engineer"), ("vera", "viewer"), ("lead", "viewer")):
                accounts.grant_role(sa, user, role)
            for user, role in (("bob", "viewer"), ("ben", "engineer"), ("lead", "viewer")):
                accounts.grant_role(sb, user, role)
            for user in ("olga", "sam", "ci", "vera"):
                org.tokens[user] = accounts.create_token(sa, user, scope="write", expires=soon).token
            org.tokens["vera-revoked"] = accounts.create_token(sa, "vera", scope="write", expires=soon).token
            accounts.revoke_token(sa, org.tokens["vera-revoked"])
            expired = accounts.create_token(sa, "vera", scope="write", expires=soon)
            org.tokens["vera-expired"] = expired.token
            with sa.session() as session:
                session.execute(update(Token).where(Token.token_id == expired.token_id)
                                .values(expires_at=dt.datetime.now(dt.UTC) - dt.timedelta(minutes=1)))
            for user in ("bob", "ben"):
                org.tokens[user] = accounts.create_token(sb, user, scope="write", expires=soon).token
            org.tokens["lead"] = accounts.create_token(sa, "lead", scope="read", expires=soon, all_projects=True).token
            seed_records(org, sa, alpha)
            org.reports = {"alpha-1": assess_json(alpha), "beta-1": assess_json(beta)}
            (alpha / "requirements.txt").write_text("scikit-learn==1.5.0\n", encoding="utf-8")
            org.reports["alpha-2"] = assess_json(alpha)
        finally:
            sa.dispose()
            sb.dispose()


def seed_records(org: Org, store: Store, alpha: Path) -> None:
    """Alpha's governance records and registry, and the server's own project: audra audits the
    ledger there (security officer, a token of the server's project); the server holds one key."""
    import joblib
    from sklearn.linear_model import LogisticRegression

    from secplan.compliance.vendors import add_vendor
    from secplan.crypto.keys.interface import KeyType
    from secplan.human import accounts
    from secplan.human.people import add_person
    from secplan.model.registry.versions import register_model
    from tests.crypto.conftest import make_manager

    add_person(store, "Dana Ops", role="ml-engineer", email="dana@example.com", screening="cleared",
               screening_date=dt.date.today())
    add_vendor(store, "LabelCo", service="labelling", risk_tier="high")
    (alpha / "models").mkdir(exist_ok=True)
    joblib.dump(LogisticRegression().fit([[0.0], [1.0], [2.0], [3.0]], [0, 0, 1, 1]), alpha / "models" / "m.joblib")
    register_model(store, alpha, alpha / "models" / "m.joblib", "churn")
    server = org.root / "server"
    server.mkdir(exist_ok=True)
    home = Store.for_project(server)
    try:
        accounts.add_user(home, "audra")
        accounts.grant_role(home, "audra", "security-officer")
        org.tokens["audra"] = accounts.create_token(home, "audra", scope="read",
                                                    expires=dt.date.today() + dt.timedelta(days=5)).token
    finally:
        home.dispose()
    make_manager(server / ".secplan" / "keys" / "keystore.json").create("server-signing", KeyType.ED25519)


class Server(Listening):
    """A ``secplan server`` process; ``url`` once it printed its ``listening on`` line."""

    what = "server"

    def __init__(self, org: Org, *args: str, port: int | None = None) -> None:
        self.port = port or free_port()
        (org.root / "server").mkdir(exist_ok=True)
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "secplan", "server", "--port", str(self.port), "--database-url", org.db_url,
             "-C", str(org.root / "server"), *args],
            cwd=org.root / "server", env=org.env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        self.url = f"http://127.0.0.1:{self.port}"


def server_env(root: Path, db_url: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SECPLAN_") or k == "SECPLAN_SHARED_DIR"}
    env.update(SECPLAN_DATABASE_URL=db_url, SECPLAN_LEDGER_KEY=str(root / "ledger.key"), PYTHONPATH=SRC,
               NO_COLOR="1", SECPLAN_SERVER_SECRET="test-secret", SECPLAN_PASSPHRASE=PASSPHRASE)
    return env


@contextlib.contextmanager
def database(kind: str, root: Path) -> Iterator[str]:
    """A SQLite file, or a fresh PostgreSQL database dropped afterwards."""
    if kind == "sqlite":
        yield f"sqlite:///{root / 'server.db'}"
        return
    if not PG_URL:
        pytest.skip("SECPLAN_TEST_POSTGRES_URL is not set (make test starts PostgreSQL and sets it)")
    name = f"srv_{uuid.uuid4().hex[:16]}"
    admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield PG_URL.rsplit("/", 1)[0] + "/" + name
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(scope="module", params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def org(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Org]:
    """One organisation and one server per test module and backend, shared by its tests."""
    root = tmp_path_factory.mktemp(f"org-{request.param}")
    with database(request.param, root) as db_url:
        org = Org(root, db_url, server_env(root, db_url))
        seed(org)
        server = Server(org, "--rate", "1000/second")
        try:
            server.wait()
            org.url = server.url
            with httpx.Client(base_url=org.url, timeout=30) as plain:
                org.contract = Contract(plain.get("/api/openapi.json").json())
            yield org
        finally:
            server.stop()


def wait_until(check, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, "condition not met in time"
        time.sleep(0.05)
