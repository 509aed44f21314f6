"""Privacy: membership inference and model extraction, both as an outside attacker would run them.

Membership: the attacker scores each row by the model's confidence in its true label (a loss
threshold attack; label-only models score by correctness); AUC of training rows against test rows
and the true-positive rate at 1% and 0.1% false positives. Extraction: 50, 500 and 5,000 queries
drawn from the data's profile (each column's observed values, independently) are labelled by the
model, a surrogate is trained on them, and its agreement with the model on the test rows is the
fidelity. These numbers size the serving gateway's query budgets.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from secplan.model.evaluate.context import Context, rounded, same_labels

MEMBERS = 2000
"""Rows per side (training members, test non-members) the membership attack scores."""
QUERIES = (50, 500, 5000)


def _label_scores(proba: np.ndarray, labels: np.ndarray, classes: list[Any]) -> np.ndarray:
    """Log-confidence in each row's true label (a label the model never saw scores as the first class)."""
    index = {str(c): i for i, c in enumerate(classes)}
    keys, inverse = np.unique(np.asarray(labels).astype(str), return_inverse=True)
    cols = np.array([index.get(k, 0) for k in keys], dtype=np.int64)[inverse]
    return np.log(np.clip(proba[np.arange(len(labels)), cols], 1e-12, 1))


def _scores(ctx: Context, features: pd.DataFrame, labels: np.ndarray) -> np.ndarray:
    if ctx.model.info.has_proba and ctx.classes:
        try:
            proba = np.asarray(ctx.model.predict_proba(features), dtype="float64")
            return _label_scores(proba, labels, ctx.classes)
        except Exception:
            pass
    return same_labels(ctx.model.predict(features), labels).astype("float64")


def _test_scores(ctx: Context, rows: np.ndarray) -> np.ndarray | None:
    """Scores of test rows from the answers the other suites already have (no new query), else None."""
    if ctx.model.info.has_proba and ctx.classes and ctx._proba is not None:
        return _label_scores(ctx._proba[rows], ctx.y_test[rows], ctx.classes)
    if not ctx.model.info.has_proba and ctx._pred is not None:
        return same_labels(ctx._pred[rows], ctx.y_test[rows]).astype("float64")
    return None


def roc(truth: np.ndarray, scores: np.ndarray) -> tuple[np.ndarray, np.ndarray, float]:
    """False- and true-positive rates at every distinct threshold (one sort) and the area under them.

    Tied scores move together, so the area equals the Mann-Whitney statistic with ties counted half.
    """
    order = np.argsort(-scores, kind="mergesort")
    ranked, hits = scores[order], truth[order].astype("float64")
    last = np.r_[np.flatnonzero(np.diff(ranked)), len(ranked) - 1]  # the end of each run of equal scores
    tp = np.r_[0.0, np.cumsum(hits)[last]]
    fp = np.r_[0.0, (last + 1) - tp[1:]]
    tpr, fpr = tp / max(tp[-1], 1.0), fp / max(fp[-1], 1.0)
    return fpr, tpr, float(np.sum(np.diff(fpr) * (tpr[1:] + tpr[:-1]) / 2))


def _tpr_at(fpr: np.ndarray, tpr: np.ndarray, target: float) -> float:
    ok = fpr <= target
    return float(tpr[ok].max()) if ok.any() else 0.0


def membership(ctx: Context) -> dict[str, Any]:
    """The loss-threshold attack on up to ``MEMBERS`` rows per side; only the members are new queries
    when the quality suite already asked for the test rows' probabilities."""
    assert ctx.train is not None and ctx.y_train is not None
    n = min(MEMBERS, len(ctx.train), len(ctx.test))
    members = ctx.rng.choice(len(ctx.train), n, replace=False)
    others = ctx.rng.choice(len(ctx.test), n, replace=False)
    known = _test_scores(ctx, others)
    if known is None:  # one query batch for both sides
        rows = pd.concat([ctx.train.iloc[members], ctx.test.iloc[others]], ignore_index=True)
        scores = _scores(ctx, rows, np.concatenate([ctx.y_train[members], ctx.y_test[others]]))
    else:
        scores = np.concatenate([_scores(ctx, ctx.train.iloc[members], ctx.y_train[members]), known])
    truth = np.concatenate([np.ones(n), np.zeros(n)])
    fpr, tpr, auc = roc(truth, scores)
    return {"membership_auc": auc, "membership_advantage": float(np.max(tpr - fpr)),
            "tpr_at_1pct_fpr": _tpr_at(fpr, tpr, 0.01), "tpr_at_0.1pct_fpr": _tpr_at(fpr, tpr, 0.001),
            "rows_per_side": n}


def profile_queries(ctx: Context, n: int) -> pd.DataFrame:
    """``n`` rows drawn column by column from the observed values (what an attacker can guess)."""
    pool = ctx.train if ctx.train is not None else ctx.test
    out = {}
    for column in pool.columns:
        values = pool[column].to_numpy()
        drawn = values[ctx.rng.integers(0, len(values), n)]
        if column in ctx.numeric:
            spread = float(np.nanstd(values.astype("float64"))) or 1.0
            drawn = drawn.astype("float64") + ctx.rng.normal(0, 0.05 * spread, n)
            if pd.api.types.is_integer_dtype(pool[column]):
                drawn = np.round(drawn).astype(pool[column].dtype)
        out[column] = drawn
    return pd.DataFrame(out, columns=pool.columns)


def _encode(frame: pd.DataFrame, numeric: list[str], reference: pd.DataFrame) -> np.ndarray:
    parts = [frame[numeric].to_numpy(dtype="float64")] if numeric else []
    for column in [c for c in frame.columns if c not in numeric]:
        levels = reference[column].astype(str).unique()
        parts.append((frame[column].astype(str).to_numpy()[:, None] == levels[None, :]).astype("float64"))
    return np.hstack(parts) if parts else np.zeros((len(frame), 0))


def extraction(ctx: Context) -> dict[str, float]:
    from sklearn.ensemble import RandomForestClassifier, RandomForestRegressor

    queries = profile_queries(ctx, max(QUERIES))
    labels = np.asarray(ctx.model.predict(queries))
    target = ctx.predictions()
    x_test = _encode(ctx.test, ctx.numeric, ctx.test)
    x_q = _encode(queries, ctx.numeric, ctx.test)
    out = {}
    for n in QUERIES:
        seed = int(ctx.rng.integers(1 << 31))
        if ctx.task == "regression":
            surrogate = RandomForestRegressor(n_estimators=30, random_state=seed, n_jobs=1).fit(x_q[:n], labels[:n])
            spread = float(np.std(target.astype("float64"))) or 1.0
            err = np.abs(surrogate.predict(x_test) - target.astype("float64")) / spread
            out[str(n)] = float(np.mean(err <= 0.1))
        else:
            y = labels[:n].astype(str)
            if len(np.unique(y)) < 2:
                out[str(n)] = float(np.mean(target.astype(str) == y[0]))
                continue
            surrogate = RandomForestClassifier(n_estimators=30, random_state=seed, n_jobs=1).fit(x_q[:n], y)
            out[str(n)] = float(np.mean(surrogate.predict(x_test) == target.astype(str)))
    return out


def run(ctx: Context) -> dict[str, Any]:
    ctx.progress("privacy")
    result: dict[str, Any] = {"membership_auc": None}
    checks = []
    if ctx.train is not None and ctx.task == "classification":
        found = membership(ctx)
        result.update({k: rounded(v) if isinstance(v, float) else v for k, v in found.items()})
        for key, limit_key in (("membership_auc", "max_membership_auc"),
                               ("membership_advantage", "max_membership_advantage")):
            limit = ctx.thresholds.get(limit_key)
            if limit is not None:
                checks.append({"threshold": limit_key, "limit": limit, "value": result[key],
                               "passed": found[key] <= limit})
    else:
        result["membership_note"] = ("needs --train (the training rows)" if ctx.train is None
                                     else "membership inference here scores class labels (classification only)")
    fidelity = extraction(ctx)
    result["extraction_fidelity"] = {k: rounded(v) for k, v in fidelity.items()}
    limit = ctx.thresholds.get("max_extraction_fidelity")
    if limit is not None:
        checks.append({"threshold": "max_extraction_fidelity", "limit": limit, "value": rounded(fidelity["500"]),
                       "passed": fidelity["500"] <= limit})
    return {"passed": all(c["passed"] for c in checks) if checks else None, **result, "checks": checks}
