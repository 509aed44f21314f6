"""The engine on real models trained here: a proxy of a sensitive attribute fails four-fifths and
is named; a clean model passes; an overfit model is more exposed to membership inference."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from secplan.model.evaluate.engine import evaluate
from secplan.model.worker.interface import ModelInfo


class InProcess:
    """A model trained in the test, queried only through the Predictor calls."""

    def __init__(self, model, features: list[str]) -> None:
        self.model, self.queries = model, 0
        self.info = ModelInfo("sklearn", "classification", [0, 1], features, True)

    def predict(self, x):
        self.queries += len(x)
        return self.model.predict(x)

    def predict_proba(self, x):
        self.queries += len(x)
        return self.model.predict_proba(x)

    def close(self) -> None:
        pass


def _data(tmp_path: Path, n: int = 1600) -> tuple[pd.DataFrame, Path, Path]:
    rng = np.random.default_rng(0)
    sex = rng.integers(0, 2, n)
    frame = pd.DataFrame({"zip_area": sex * 10 + rng.integers(0, 3, n), "score": rng.normal(0, 1, n), "sex": sex})
    frame["label"] = ((frame["score"] + rng.normal(0, 1.0, n)) > 0).astype(int)
    frame.iloc[: n // 2].to_csv(tmp_path / "train.csv", index=False)
    frame.iloc[n // 2:].to_csv(tmp_path / "test.csv", index=False)
    return frame.iloc[: n // 2], tmp_path / "train.csv", tmp_path / "test.csv"


def test_proxy_fails_four_fifths_and_is_named_while_a_clean_model_passes(tmp_path: Path) -> None:
    from sklearn.tree import DecisionTreeClassifier

    train, _train_path, test_path = _data(tmp_path)
    biased_y = (train["zip_area"] >= 10).astype(int)  # decisions follow the area, a proxy of sex
    biased = InProcess(DecisionTreeClassifier(max_depth=2).fit(train[["zip_area", "score"]], biased_y),
                       ["zip_area", "score"])
    clean = InProcess(DecisionTreeClassifier(max_depth=2).fit(train[["score"]], train["label"]), ["score"])
    for model, expect in ((biased, False), (clean, True)):
        result = evaluate(model, ref="m@1", digest="sha256:x", data=test_path, target="label", sensitive=["sex"],
                          suites=["fairness"])
        fair = result["suites"]["fairness"]
        assert fair["passed"] is expect
        assert fair["features"][0]["feature"] == "sex"
    biased_result = evaluate(biased, ref="m@1", digest=None, data=test_path, target="label", sensitive=["sex"],
                             suites=["fairness"])
    assert "zip_area" in biased_result["suites"]["fairness"]["proxies"]
    assert biased_result["suites"]["fairness"]["features"][0]["demographic_parity_ratio"] < 0.8


def test_overfit_model_has_higher_membership_auc(tmp_path: Path) -> None:
    from sklearn.ensemble import RandomForestClassifier
    from sklearn.linear_model import LogisticRegression

    train, train_path, test_path = _data(tmp_path)
    x = train[["zip_area", "score"]]
    overfit = InProcess(RandomForestClassifier(n_estimators=30, random_state=0).fit(x, train["label"]),
                        ["zip_area", "score"])
    regular = InProcess(LogisticRegression(C=0.1).fit(x, train["label"]), ["zip_area", "score"])
    aucs = [evaluate(m, ref="m@1", digest=None, data=test_path, train=train_path, target="label",
                     suites=["privacy"])["suites"]["privacy"]["membership_auc"] for m in (overfit, regular)]
    assert aucs[0] > 0.6 > aucs[1]
    assert abs(aucs[1] - 0.5) < 0.06
