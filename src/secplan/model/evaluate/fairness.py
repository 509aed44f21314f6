"""Fairness: group metrics per sensitive feature and their intersections, and proxy features.

Per group: size, selection rate (share predicted positive), TPR, FPR and accuracy, through
fairlearn's ``MetricFrame`` when it is installed and the same definitions in pandas otherwise.
The demographic-parity ratio is the lowest selection rate over the highest (the four-fifths rule
asks >= 0.8); the equalized-odds difference is the larger of the TPR and FPR gaps. Groups under
``MIN_GROUP`` rows are listed but do not decide; a numeric attribute with many values (age) is
measured in quartile bands. A proxy is a model input that predicts membership of
a sensitive group (one group against the rest) although the attribute is not itself an input (a
shallow tree on that one feature, scored on held-out rows).
"""

from __future__ import annotations

from itertools import combinations
from typing import Any

import numpy as np
import pandas as pd

from secplan.model.evaluate.context import Context, bootstrap, rounded, same_labels

MIN_GROUP = 30
BANDS_ABOVE = 10
"""A numeric sensitive column with more distinct values than this is measured in quartile bands."""


def _rates(y: np.ndarray, p: np.ndarray) -> dict[str, float]:
    pos, neg = y == 1, y == 0
    return {"selection_rate": float(p.mean()) if len(p) else float("nan"),
            "tpr": float(p[pos].mean()) if pos.any() else float("nan"),
            "fpr": float(p[neg].mean()) if neg.any() else float("nan"),
            "accuracy": float((p == y).mean()) if len(p) else float("nan")}


def group_table(y: np.ndarray, p: np.ndarray, groups: np.ndarray) -> dict[str, dict[str, float]]:
    """Metrics per group; fairlearn's MetricFrame computes them when installed."""
    try:
        from fairlearn.metrics import MetricFrame, false_positive_rate, selection_rate, true_positive_rate
    except ImportError:
        table = {str(g): _rates(y[groups == g], p[groups == g]) for g in np.unique(groups)}
    else:
        from sklearn.metrics import accuracy_score

        frame = MetricFrame(metrics={"selection_rate": selection_rate, "tpr": true_positive_rate,
                                     "fpr": false_positive_rate, "accuracy": accuracy_score},
                            y_true=y, y_pred=p, sensitive_features=pd.Series(groups, name="group"))
        table = {str(g): {k: float(v) for k, v in row.items()} for g, row in frame.by_group.iterrows()}
    for g in table:
        table[g]["size"] = int(np.sum(groups == g))
    return table


def _summary(table: dict[str, dict[str, float]]) -> tuple[float, float]:
    big = [m for m in table.values() if m["size"] >= MIN_GROUP] or list(table.values())
    rates = [m["selection_rate"] for m in big]
    ratio = min(rates) / max(rates) if max(rates) > 0 else 1.0
    gaps = []
    for key in ("tpr", "fpr"):
        values = [m[key] for m in big if m[key] == m[key]]
        gaps.append(max(values) - min(values) if values else 0.0)
    return float(ratio), float(max(gaps))


def group_labels(values: pd.Series) -> pd.Series:
    """Group names of one sensitive column: its values, or quartile ranges of a number with many values
    (ages, incomes), so that groups are big enough to measure."""
    if pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values) and values.nunique() > BANDS_ABOVE:
        bands = pd.qcut(values, 4, duplicates="drop")
        return bands.map(lambda b: f"{b.left:.4g}-{b.right:.4g}").astype(str)
    return values.astype(str)


def proxies(ctx: Context) -> list[str]:
    """Inputs that predict membership of a sensitive group (one group against the rest) although the
    attribute itself is not an input: a shallow tree on that one feature, scored on held-out rows."""
    from sklearn.metrics import balanced_accuracy_score
    from sklearn.tree import DecisionTreeClassifier

    found: list[str] = []
    limit = float(ctx.thresholds.get("proxy_balanced_accuracy", 0.7))
    half = np.arange(len(ctx.test)) % 2 == 0
    for attribute in ctx.sensitive.columns:
        if attribute in ctx.test.columns:
            continue
        labels = group_labels(ctx.sensitive[attribute]).to_numpy()
        groups = [g for g in np.unique(labels) if MIN_GROUP <= np.sum(labels == g) <= len(labels) - MIN_GROUP]
        for feature in ctx.test.columns:
            if feature in found:
                continue
            values = ctx.test[feature]
            x = (values.to_numpy(dtype="float64") if feature in ctx.numeric
                 else pd.factorize(values.astype(str))[0].astype("float64")).reshape(-1, 1)
            for group in groups[:1] if len(groups) == 2 else groups:  # two groups: one side says it all
                member = labels == group
                tree = DecisionTreeClassifier(max_depth=3, min_samples_leaf=10, random_state=0)
                tree.fit(x[half], member[half])
                if balanced_accuracy_score(member[~half], tree.predict(x[~half])) >= limit:
                    found.append(feature)
                    break
    return found


def run(ctx: Context) -> dict[str, Any]:
    ctx.progress("fairness")
    if ctx.task != "classification" or len(ctx.classes) != 2:
        return {"passed": None, "features": [], "proxies": [], "note": "group rates need a binary classifier"}
    if ctx.sensitive.empty:
        return {"passed": None, "features": [], "proxies": [], "note": "no --sensitive column given"}
    positive = ctx.positive()
    y = same_labels(ctx.y_test, np.full(len(ctx.y_test), positive)).astype(int)
    p = same_labels(ctx.predictions(), np.full(len(ctx.y_test), positive)).astype(int)
    names = list(ctx.sensitive.columns)
    sets = [(n,) for n in names] + list(combinations(names, 2))
    features = []
    checks = []
    labels = pd.DataFrame({n: group_labels(ctx.sensitive[n]) for n in names})
    for combo in sets:
        groups = labels[list(combo)].agg("&".join, axis=1).to_numpy()
        table = group_table(y, p, groups)
        ratio, eod = _summary(table)
        interval = bootstrap(lambda i, g=groups: _summary(_rates_by(y[i], p[i], g[i]))[0], len(y), ctx.rng, 100)
        name = "&".join(combo)
        features.append({"feature": name, "demographic_parity_ratio": rounded(ratio),
                         "equalized_odds_difference": rounded(eod), "parity_ratio_interval": interval,
                         "groups": {g: {k: rounded(v) if isinstance(v, float) else v for k, v in m.items()}
                                    for g, m in table.items()}})
        checks.append({"threshold": "min_parity_ratio", "feature": name, "limit": ctx.thresholds["min_parity_ratio"],
                       "value": rounded(ratio), "passed": ratio >= ctx.thresholds["min_parity_ratio"]})
        checks.append({"threshold": "max_equalized_odds_difference", "feature": name,
                       "limit": ctx.thresholds["max_equalized_odds_difference"], "value": rounded(eod),
                       "passed": eod <= ctx.thresholds["max_equalized_odds_difference"]})
    return {"passed": all(c["passed"] for c in checks), "features": features, "proxies": proxies(ctx),
            "positive_class": positive if isinstance(positive, int | float | str | bool) else str(positive),
            "checks": checks}


def _rates_by(y: np.ndarray, p: np.ndarray, groups: np.ndarray) -> dict[str, dict[str, float]]:
    table = {str(g): _rates(y[groups == g], p[groups == g]) for g in np.unique(groups)}
    for g in table:
        table[g]["size"] = int(np.sum(groups == g))
    return table
