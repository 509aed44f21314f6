"""A model version with a real history, built through the engines themselves on a real store: trained
here and saved with skops, registered (hashed and scanned), signed with an ECDSA P-256 key,
evaluated by the real evaluation engine in a worker process (and attested), covered by a signed
attestation, approved by a second person, promoted to production, served by a gateway run, and
touched by an incident."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from secplan.store.db import Store
from tests.governance.conftest import act_as, team  # noqa: F401
from tests.probes.helpers import make_project
from tests.registry.conftest import signer  # noqa: F401

REF = "fraud@1"


def train_model(project_dir: Path) -> tuple[Path, Path]:
    """A logistic regression on made-up credit data, saved with skops (no code runs on load), and the test split."""
    import numpy as np
    import pandas as pd
    import skops.io as sio
    from sklearn.linear_model import LogisticRegression

    rng = np.random.default_rng(0)
    frame = pd.DataFrame({"income": rng.normal(50, 15, 400).round(2), "debt": rng.normal(20, 8, 400).round(2)})
    frame["label"] = ((frame["income"] - frame["debt"] + rng.normal(0, 8, 400)) > 30).astype(int)
    model = LogisticRegression(max_iter=500).fit(frame.iloc[:200][["income", "debt"]], frame.iloc[:200]["label"])
    path = project_dir / "models" / "fraud.skops"
    path.parent.mkdir(parents=True, exist_ok=True)
    sio.dump(model, path)
    test = project_dir / "test.csv"
    frame.iloc[200:].to_csv(test, index=False)
    return path, test


def cli(*argv: str) -> int:
    from secplan.cli.app import main

    with pytest.raises(SystemExit) as exit_info:
        main(list(argv))
    return exit_info.value.code or 0


def build_history(store: Store, project_dir: Path, manager, act: Callable[[str | None], None],
                  reuse: Recorded | None = None) -> Recorded:
    """Everything an auditor asks about ``fraud@1``, done as alice (engineer) and bob (security officer)."""
    from secplan.compliance.attestations import attest
    from secplan.human import approvals
    from secplan.human.incidents import open_incident
    from secplan.model.evaluate.results import evaluations, save
    from secplan.model.monitor.served import started
    from secplan.model.registry.gates import promote
    from secplan.model.registry.signatures import sign_version
    from secplan.model.registry.versions import get_version, register_model
    from secplan.vocabulary import Severity

    make_project(project_dir, project={"name": project_dir.name, "id": str(uuid.uuid4())})
    if reuse is None:
        model, test = train_model(project_dir)
    else:
        model = project_dir / "models" / "fraud.skops"
        model.parent.mkdir(parents=True, exist_ok=True)
        model.write_bytes(reuse.model)
    act("alice")
    register_model(store, project_dir, model, "fraud", code_ref="a" * 40)
    sign_version(store, project_dir, manager, REF, "model-signing")
    if reuse is None:  # the real engine, in a worker process: seconds, so done once per session
        assert cli("model", "evaluate", REF, "--data", str(test), "--target", "label", "--suite", "quality",
                   "--seed", "1", "-C", str(project_dir)) == 0
    else:  # the same result for the same bytes, stored, attested and ledgered as the engine does
        save(store, get_version(store, REF, exact=True), reuse.evaluation, manager)
    recorded = Recorded(model.read_bytes(), evaluations(store, "fraud", "1")[-1]["result"])
    request = approvals.request(store, "model.promote", f"model:{REF}", reason="release 1")
    act("bob")
    approvals.decide(store, request)
    attest(store, "MS-6", statement=f"penetration test of the gateway serving {REF}",
           evidence="https://pentest.example.org/report/17", expires=dt.date.today() + dt.timedelta(days=90))
    act("alice")
    promote(store, project_dir, manager, REF, "production")
    version = get_version(store, REF, exact=True)
    started(store, model=REF, requested="fraud@production", digest=f"sha256:{version.root_digest}", host="127.0.0.1",
            port=8080, auth=True, tls=False, validation="refuse", monitoring=True)
    open_incident(store, "extraction alert on fraud@1", kind="model-extraction", severity=Severity.HIGH,
                  assets=[f"model:{REF}"])
    open_incident(store, "unrelated leak", kind="secret-leak", severity=Severity.LOW, assets=["dataset:other"])
    return recorded


@pytest.fixture
def history(store: Store, project_dir: Path, signer, act_as, monkeypatch: pytest.MonkeyPatch,  # noqa: F811
            session_history: tuple[bytes, Recorded]) -> Store:
    """``fraud@1``'s history on this test's store (both backends); its evaluation is the session's
    real one, saved again for the same model bytes."""
    monkeypatch.chdir(project_dir)
    build_history(store, project_dir, signer, act_as, reuse=session_history[1])
    return store


@dataclass(frozen=True)
class Recorded:
    """What a history's slow steps produced: the model's bytes and the evaluation engine's result."""

    model: bytes
    evaluation: dict[str, Any]


@pytest.fixture(scope="session")
def bundle_bytes(session_history: tuple[bytes, Recorded]) -> bytes:
    """One exported bundle of ``fraud@1`` on SQLite, built once: the tamper tests edit copies of it."""
    return session_history[0]


@pytest.fixture(scope="session")
def session_history(tmp_path_factory: pytest.TempPathFactory) -> tuple[bytes, Recorded]:
    """The whole history once, on SQLite, with the real evaluation; its bundle and what it recorded."""
    from secplan.crypto.keys.interface import KeyType
    from secplan.evidence import export
    from secplan.human import accounts
    from tests.crypto.conftest import PASSPHRASE, make_manager

    project_dir = tmp_path_factory.mktemp("evidence") / "project"
    project_dir.mkdir()
    with pytest.MonkeyPatch.context() as mp:
        mp.chdir(project_dir)
        mp.setenv("SECPLAN_DATABASE_URL", f"sqlite:///{project_dir.parent / 'secplan.db'}")
        mp.setenv("SECPLAN_PASSPHRASE", PASSPHRASE)
        mp.setenv("SECPLAN_KEYSTORE", str(project_dir / ".secplan" / "keystore.json"))
        mp.delenv("SECPLAN_TOKEN", raising=False)
        store = Store.for_project(project_dir)
        manager = make_manager(project_dir / ".secplan" / "keystore.json")
        manager.create("model-signing", KeyType.ECDSA_P256)
        tokens = {}
        for user, role in (("alice", "engineer"), ("bob", "security-officer")):
            accounts.add_user(store, user)
            accounts.grant_role(store, user, role)
            tokens[user] = accounts.create_token(store, user, expires=dt.date.today() + dt.timedelta(days=30),
                                                  scope="admin").token

        def act(user: str | None) -> None:
            mp.setenv("SECPLAN_TOKEN", tokens[user]) if user else mp.delenv("SECPLAN_TOKEN", raising=False)

        try:
            recorded = build_history(store, project_dir, manager, act)
            export(store, REF, project_dir / "fraud-1.zip")
        finally:
            store.dispose()
        return (project_dir / "fraud-1.zip").read_bytes(), recorded
