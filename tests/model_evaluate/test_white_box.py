"""White-box attacks run inside the worker on real models trained here: FGSM and PGD on a logistic
regression reach exactly the rows whose margin an L-inf move of ``attack_epsilon`` standard
deviations can cross (known in closed form for a linear model), the decision tree attack on a stump
reaches the rows that close to its split, and models that expose neither say so."""

from __future__ import annotations

import json
from pathlib import Path

import joblib
import numpy as np
import pandas as pd
import pytest

from secplan.model.registry.versions import register_model
from secplan.store.db import Store
from tests.model_evaluate.conftest import FEATURES
from tests.model_evaluate.test_cli import run

EPSILON = 0.25


def _register(project: Path, name: str, model) -> None:
    path = project / "models" / f"{name}.joblib"
    joblib.dump(model, path)
    store = Store.for_project(project)
    try:
        register_model(store, project, path, name)
    finally:
        store.dispose()


def _robustness(capsys, ref: str) -> dict:
    code, out, err = run(capsys, "model", "evaluate", ref, "--data", "test.csv", "--target", "label",
                         "--suite", "robustness", "--budget", "300", "--seed", "4", "--format", "json", "--no-store")
    assert code in (0, 1) and out, err
    return json.loads(out)["suites"]["robustness"]


def _within(test: pd.DataFrame, columns: list[str], moves: np.ndarray) -> float:
    """Share of the attacked rows (all test rows here: fewer than the attack's sample) that a move of
    ``moves`` (L-inf, in standard deviations) is enough to flip."""
    assert len(test) <= 200
    return float(np.mean(moves <= EPSILON))


@pytest.mark.parametrize("scaled", [False, True], ids=["bare", "scaler-pipeline"])
def test_fgsm_and_pgd_reach_exactly_the_rows_a_linear_margin_allows(evaluation_project: Path, capsys,
                                                                    scaled: bool) -> None:
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    train = pd.read_csv("train.csv")
    test = pd.read_csv("test.csv").iloc[:150]
    test.to_csv("test.csv", index=False)
    columns = FEATURES[1:]
    model = (make_pipeline(StandardScaler(), LogisticRegression(max_iter=500)) if scaled
             else LogisticRegression(max_iter=500)).fit(train[columns], train["label"])
    _register(evaluation_project, "linear", model)
    std = test[columns].to_numpy().std(axis=0)
    # the weights on the raw inputs (a scaler divides each by its scale), and the smallest L-inf move
    # (in std units) that crosses w.x + b = 0: |margin| / sum_i |w_i| std_i
    weights = model[-1].coef_[0] / model[0].scale_ if scaled else model.coef_[0]
    margin = np.abs(model.decision_function(test[columns]))
    expected = _within(test, columns, margin / np.sum(np.abs(weights) * std))
    robustness = _robustness(capsys, "linear@1")
    attacks = {a["name"]: a for a in robustness["attacks"]}
    assert set(attacks) == {"hop_skip_jump", "fgsm", "pgd"}
    for name in ("fgsm", "pgd"):
        attack = attacks[name]
        assert attack["rows"] == 150 and abs(attack["success_rate"] - expected) <= 1.5 / 150, (name, attack, expected)
        assert attack["median_linf"] <= EPSILON * 1.001 and attack["median_l2"] >= attack["median_linf"]
    assert attacks["fgsm"]["queries"] == 3 * 150  # the labels, one gradient per row, ART's own success check
    assert attacks["pgd"]["queries"] >= 150 * 10
    assert [s["name"] for s in robustness["skipped"]] == ["decision_tree"]
    assert 0 < expected < 1


def test_the_decision_tree_attack_moves_a_stump_across_its_split(evaluation_project: Path, capsys) -> None:
    from sklearn.tree import DecisionTreeClassifier

    train = pd.read_csv("train.csv")
    test = pd.read_csv("test.csv").iloc[:150]
    test.to_csv("test.csv", index=False)
    model = DecisionTreeClassifier(max_depth=1, random_state=0).fit(train[FEATURES], train["label"])
    _register(evaluation_project, "stump", model)
    feature, split = model.tree_.feature[0], model.tree_.threshold[0]
    std = test[FEATURES].to_numpy().std(axis=0)
    moves = np.abs(test[FEATURES].to_numpy()[:, feature] - split) / std[feature]
    expected = _within(test, FEATURES, moves)
    robustness = _robustness(capsys, "stump@1")
    attack = next(a for a in robustness["attacks"] if a["name"] == "decision_tree")
    assert attack["label_flip_rate"] == 1.0  # a stump's other leaf is always reachable
    assert abs(attack["success_rate"] - expected) <= 1.5 / 150, (attack, expected)
    assert {s["name"] for s in robustness["skipped"]} == {"fgsm", "pgd"}
    assert "gradients" in robustness["skipped"][0]["skipped"]
    assert 0 < expected < 1


@pytest.mark.parametrize("kind", ["forest"])
def test_a_model_without_gradients_or_one_tree_says_why(evaluation_project: Path, capsys, kind: str) -> None:
    from tests.model_evaluate.conftest import fit

    _register(evaluation_project, kind, fit(kind, pd.read_csv("train.csv")))
    robustness = _robustness(capsys, f"{kind}@1")
    assert [a["name"] for a in robustness["attacks"]] == ["hop_skip_jump"]
    assert {s["name"]: s["skipped"] for s in robustness["skipped"]} == dict.fromkeys(
        ("fgsm", "pgd", "decision_tree"), "a RandomForestClassifier exposes neither input gradients nor a single tree to ART")
    curve = robustness["perturbation_curve"]
    assert [p["noise_std"] for p in curve] == [0.01, 0.02, 0.05, 0.1, 0.2, 0.5]
    assert curve[-1]["flip_rate"] >= curve[0]["flip_rate"] and curve[-1]["flip_rate"] > 0
