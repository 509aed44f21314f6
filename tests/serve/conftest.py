"""Gateway fixtures: a project with a small real model trained here, registered with its training
data, signed, and users with tokens; gateways started as real ``secplan serve`` processes on loopback."""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import socket
import subprocess
import sys
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from secplan.store.db import Store
from tests.crypto.conftest import PASSPHRASE, make_manager
from tests.listening import Listening
from tests.monitor.synthetic import FEATURES, make_frame
from tests.probes.helpers import make_project

SRC = str(Path(__file__).resolve().parents[2] / "src")


@dataclass
class Project:
    root: Path
    env: dict[str, str]
    tokens: dict[str, str] = field(default_factory=dict)

    def store(self) -> Store:
        return Store.for_project(self.root)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _env(root: Path, db_url: str | None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SECPLAN_") or k == "SECPLAN_SHARED_DIR"}
    env.update(SECPLAN_PASSPHRASE=PASSPHRASE, SECPLAN_KEYSTORE=str(root / ".secplan" / "keystore.json"),
               PYTHONPATH=SRC, NO_COLOR="1")
    if db_url is not None:
        env["SECPLAN_DATABASE_URL"] = db_url
    return env


@contextlib.contextmanager
def inside(root: Path, env: dict[str, str]) -> Iterator[Store]:
    """Act in the project's folder, with its keystore and no other secplan settings; yields its store."""
    with pytest.MonkeyPatch.context() as mp:
        for key in [k for k in os.environ if k.startswith("SECPLAN_") and k != "SECPLAN_SHARED_DIR"]:
            mp.delenv(key)
        for key in ("SECPLAN_PASSPHRASE", "SECPLAN_KEYSTORE", "SECPLAN_DATABASE_URL"):
            if key in env:
                mp.setenv(key, env[key])
        mp.chdir(root)
        store = Store.for_project(root)
        try:
            yield store
        finally:
            store.dispose()


def manager(project: Project):
    return make_manager(Path(project.env["SECPLAN_KEYSTORE"]))


def build_project(root: Path, db_url: str | None = None) -> Project:
    """``fraud@1`` (a random forest on six credit features), registered with ``data/train.csv``,
    signed; users mia (model-client), carol (viewer) and pia (model-client, given probabilities).
    The store is the project's SQLite file, or the database at ``db_url``."""
    import joblib
    from sklearn.ensemble import RandomForestClassifier

    from secplan.crypto.keys.interface import KeyType
    from secplan.human import accounts
    from secplan.model.registry.signatures import sign_version
    from secplan.model.registry.versions import register_model

    root.mkdir(parents=True, exist_ok=True)
    make_project(root, project={"name": "gw", "id": str(uuid.uuid4()), "on_call": "oncall@example.com"})
    train = make_frame(4000, 7)[[*FEATURES, "label"]]
    (root / "data").mkdir()
    train.to_csv(root / "data" / "train.csv", index=False)
    model = RandomForestClassifier(n_estimators=25, max_depth=6, random_state=0).fit(train[FEATURES], train["label"])
    (root / "models").mkdir()
    joblib.dump(model, root / "models" / "fraud.joblib")
    env = _env(root, db_url)
    with inside(root, env) as store:
        keys = make_manager(Path(env["SECPLAN_KEYSTORE"]))
        keys.create("model-signing", KeyType.ECDSA_P256)
        register_model(store, root, root / "models" / "fraud.joblib", "fraud", datasets=["data/train.csv"])
        sign_version(store, root, keys, "fraud@1", "model-signing")
        project = Project(root, env)
        for user, role in (("mia", "model-client"), ("carol", "viewer"), ("pia", "model-client"),
                           ("eve", "model-client"), ("rex", "model-client")):
            accounts.add_user(store, user)
            accounts.grant_role(store, user, role)
            project.tokens[user] = accounts.create_token(store, user, scope="read",
                                                         expires=dt.date.today() + dt.timedelta(days=5)).token
    return project


class Gateway(Listening):
    """A ``secplan serve`` process; ``url`` once it printed its ``listening on`` line."""

    what = "gateway"

    def __init__(self, project: Project, *args: str, port: int | None = None) -> None:
        self.port = port or free_port()
        self.proc = subprocess.Popen([sys.executable, "-m", "secplan", "serve", *args, "--port", str(self.port),
                                      "-C", str(project.root)], cwd=project.root, env=project.env,
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        self.url = f"http://127.0.0.1:{self.port}"


def run_cli(project: Project, *args: str, timeout: float = 120) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "secplan", *args], cwd=project.root, env=project.env,
                          capture_output=True, text=True, timeout=timeout)


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Project:
    return build_project(tmp_path_factory.mktemp("gw") / "project")


@pytest.fixture(scope="module")
def gateway(project: Project) -> Iterator[Gateway]:
    """One gateway shared by a test module: probabilities for pia, 25 requests/s per client."""
    gw = Gateway(project, "fraud@1", "--rate", "25/second", "--probabilities-for", "pia", "--max-body", "200000")
    try:
        gw.wait()
        yield gw
    finally:
        gw.stop()
