"""Quality: accuracy, F1 and AUC (classification) or RMSE and MAE (regression), with bootstrap
intervals; the worst slices; over- and underconfidence; stochasticity; batch-versus-single-row leaks."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from secplan.model.evaluate.context import Context, bootstrap, rounded, same_labels

MIN_SLICE = 20
"""Rows a slice needs before its metric counts (smaller slices are noise)."""


def _auc(y: np.ndarray, score: np.ndarray) -> float:
    from sklearn.metrics import roc_auc_score

    return float(roc_auc_score(y, score)) if len(np.unique(y)) == 2 else float("nan")


def _f1(y_true: np.ndarray, y_pred: np.ndarray, positive: Any) -> float:
    tp = float(np.sum(y_pred & y_true))
    predicted, actual = float(np.sum(y_pred)), float(np.sum(y_true))
    return 2 * tp / (predicted + actual) if predicted + actual else 0.0


def _slices(ctx: Context, correct: np.ndarray) -> list[dict[str, Any]]:
    """Per-feature slices (quartiles of numbers, values of categories) ranked by their accuracy."""
    out = []
    for column in ctx.test.columns:
        values = ctx.test[column]
        if column in ctx.numeric and values.nunique() > 8:
            bins = pd.qcut(values, 4, duplicates="drop")
            groups = bins.astype(str).to_numpy()
        else:
            groups = values.astype(str).to_numpy()
        for group in np.unique(groups):
            mask = groups == group
            if mask.sum() >= MIN_SLICE:
                out.append({"slice": f"{column}={group}", "rows": int(mask.sum()),
                            "accuracy": rounded(correct[mask].mean())})
    return sorted(out, key=lambda s: (s["accuracy"], -s["rows"]))[:5]


def run(ctx: Context) -> dict[str, Any]:
    ctx.progress("quality")
    pred = ctx.predictions()
    y = ctx.y_test
    metrics: dict[str, float] = {}
    intervals: dict[str, list[float] | None] = {}
    extra: dict[str, Any] = {}
    if ctx.task == "regression":
        err = pred.astype("float64") - y.astype("float64")
        metrics["rmse"] = float(np.sqrt(np.mean(err ** 2)))
        metrics["mae"] = float(np.mean(np.abs(err)))
        intervals["rmse"] = bootstrap(lambda i: float(np.sqrt(np.mean(err[i] ** 2))), len(y), ctx.rng)
    else:
        correct = same_labels(pred, y)
        metrics["accuracy"] = float(correct.mean())
        intervals["accuracy"] = bootstrap(lambda i: float(correct[i].mean()), len(y), ctx.rng)
        if len(ctx.classes) == 2:
            positive = ctx.positive()
            y_pos, p_pos = same_labels(y, np.full(len(y), positive)), same_labels(pred, np.full(len(y), positive))
            metrics["f1"] = _f1(y_pos, p_pos, positive)
            intervals["f1"] = bootstrap(lambda i: _f1(y_pos[i], p_pos[i], positive), len(y), ctx.rng)
            proba = ctx.probabilities()
            if proba is not None:
                metrics["auc"] = _auc(y_pos.astype(int), proba[:, -1])
                intervals["auc"] = bootstrap(lambda i: _auc(y_pos[i].astype(int), proba[i, -1]), len(y), ctx.rng)
        proba = ctx.probabilities()
        if proba is not None:
            confidence = proba.max(axis=1)
            metrics["overconfidence"] = float(np.mean((confidence >= 0.9) & ~correct))
            metrics["underconfidence"] = float(np.mean((confidence < 0.6) & correct))
        extra["worst_slices"] = _slices(ctx, correct)
    sample = ctx.test.iloc[: min(20, len(ctx.test))]
    again = ctx.model.predict(sample)
    metrics["stochasticity"] = float(1 - same_labels(again, pred[: len(sample)]).mean())
    single = np.concatenate([np.asarray(ctx.model.predict(sample.iloc[[i]])) for i in range(min(10, len(sample)))])
    metrics["batch_single_difference"] = float(1 - same_labels(single, pred[: len(single)]).mean())
    minimum = ctx.thresholds.get("min_accuracy")
    passed = None if minimum is None or "accuracy" not in metrics else bool(metrics["accuracy"] >= minimum)
    checks = [] if passed is None else [{"threshold": "min_accuracy", "limit": minimum,
                                         "value": rounded(metrics["accuracy"]), "passed": passed}]
    return {"passed": passed, "metrics": {k: rounded(v) for k, v in metrics.items()},
            "intervals": intervals, "checks": checks, **extra}
