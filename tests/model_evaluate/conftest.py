"""Evaluation fixtures: a project with a plan, credit-like data with a sensitive column, and small
real models trained here and registered (a fair one and one that decides by a proxy of ``sex``)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from secplan.store.db import Store
from tests.probes.helpers import make_project
from tests.registry.conftest import signer  # noqa: F401

FEATURES = ["zip_area", "income", "debt"]


def credit_frame(n: int = 800, seed: int = 0) -> pd.DataFrame:
    """Applications: ``zip_area`` follows ``sex`` (a proxy); the true label follows income and debt only."""
    rng = np.random.default_rng(seed)
    sex = rng.choice(["f", "m"], n)
    frame = pd.DataFrame({"zip_area": np.where(sex == "f", 0, 10) + rng.integers(0, 3, n),
                          "income": rng.normal(50, 15, n).round(2), "debt": rng.normal(20, 8, n).round(2),
                          "sex": sex})
    frame["label"] = ((frame["income"] - frame["debt"] + rng.normal(0, 8, n)) > 30).astype(int)
    return frame


def write_data(folder: Path, n: int = 800) -> tuple[pd.DataFrame, Path, Path]:
    frame = credit_frame(n)
    half = n // 2
    frame.iloc[:half].to_csv(folder / "train.csv", index=False)
    frame.iloc[half:].to_csv(folder / "test.csv", index=False)
    return frame.iloc[:half], folder / "train.csv", folder / "test.csv"


def fit(kind: str, train: pd.DataFrame):
    from sklearn.ensemble import RandomForestClassifier
    from sklearn.linear_model import LogisticRegression
    from sklearn.tree import DecisionTreeClassifier

    if kind == "fair":
        return LogisticRegression(max_iter=500).fit(train[FEATURES[1:]], train["label"])
    if kind == "proxy":  # approves by area, i.e. by sex
        return DecisionTreeClassifier(max_depth=2, random_state=0).fit(train[FEATURES], (train["zip_area"] >= 10).astype(int))
    if kind == "forest":
        return RandomForestClassifier(n_estimators=20, random_state=0).fit(train[FEATURES], train["label"])
    raise ValueError(kind)


@pytest.fixture
def evaluation_project(project_dir: Path, monkeypatch: pytest.MonkeyPatch, signer) -> Iterator[Path]:  # noqa: F811
    """A project (cwd) with a plan declaring ``sex`` sensitive, data, and ``fair@1``, ``proxy@1`` registered."""
    import joblib

    from secplan.model.registry.versions import register_model

    monkeypatch.chdir(project_dir)
    monkeypatch.delenv("SECPLAN_DATABASE_URL", raising=False)
    make_project(project_dir, project={"name": project_dir.name, "id": str(uuid.uuid4())}, policy={"fairness": {"sensitive_features": ["sex"]}})
    train, _, _ = write_data(project_dir)
    (project_dir / "models").mkdir()
    store = Store.for_project(project_dir)
    for name in ("fair", "proxy"):
        path = project_dir / "models" / f"{name}.joblib"
        joblib.dump(fit(name, train), path)
        register_model(store, project_dir, path, name)
    store.dispose()
    yield project_dir
