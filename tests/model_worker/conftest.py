"""Worker fixtures: a project on a SQLite store and small real models of every loadable format."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from secplan.store.db import Store


@pytest.fixture
def sqlite_store(project_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Store]:
    monkeypatch.setenv("SECPLAN_DATABASE_URL", f"sqlite:///{tmp_path / 'secplan.db'}")
    store = Store.for_project(project_dir)
    try:
        yield store
    finally:
        store.dispose()


def table(rows: int = 300, seed: int = 0) -> tuple[pd.DataFrame, np.ndarray]:
    rng = np.random.default_rng(seed)
    frame = pd.DataFrame(rng.random((rows, 4)), columns=["a", "b", "c", "d"])
    return frame, ((frame["a"] + 0.3 * frame["b"]) > 0.65).to_numpy().astype("int64")


def save_model(fmt: str, folder: Path) -> tuple[Path, object]:
    """Train a small classifier and save it in ``fmt``; returns the file and the in-memory model."""
    from sklearn.linear_model import LogisticRegression

    folder.mkdir(parents=True, exist_ok=True)
    frame, y = table()
    if fmt == "sklearn":
        import joblib
        from sklearn.ensemble import RandomForestClassifier

        model = RandomForestClassifier(n_estimators=10, random_state=0).fit(frame, y)
        path = folder / "model.joblib"
        joblib.dump(model, path)
    elif fmt == "skops":
        import skops.io

        model = LogisticRegression().fit(frame, y)
        path = folder / "model.skops"
        skops.io.dump(model, path)
    elif fmt == "xgboost":
        import xgboost

        model = xgboost.XGBClassifier(n_estimators=8, max_depth=3).fit(frame, y)
        path = folder / "model.ubj"
        model.save_model(path)
    elif fmt == "lightgbm":
        import lightgbm

        model = lightgbm.LGBMClassifier(n_estimators=8, verbose=-1).fit(frame, y)
        path = folder / "model.txt"
        model.booster_.save_model(path)
    elif fmt == "onnx":
        from skl2onnx import to_onnx

        model = LogisticRegression().fit(frame.to_numpy(), y)
        path = folder / "model.onnx"
        path.write_bytes(to_onnx(model, frame.to_numpy()[:1].astype("float32")).SerializeToString())
    else:
        raise ValueError(fmt)
    return path, model
