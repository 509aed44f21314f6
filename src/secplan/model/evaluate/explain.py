"""Explanations: permutation importance (the drop in accuracy, or the rise in RMSE, when one
column is shuffled) and local explanations of a few rows (how the predicted class's probability
moves when one feature is set to its typical value). Both query the model only."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from secplan.model.evaluate.context import Context, rounded, same_labels

ROWS = 1000
REPEATS = 3


def _score(ctx: Context, frame: pd.DataFrame, y: np.ndarray) -> float:
    pred = np.asarray(ctx.model.predict(frame))
    if ctx.task == "regression":
        return -float(np.sqrt(np.mean((pred.astype("float64") - y.astype("float64")) ** 2)))
    return float(same_labels(pred, y).mean())


def importance(ctx: Context) -> list[dict[str, Any]]:
    take = ctx.rng.choice(len(ctx.test), min(ROWS, len(ctx.test)), replace=False)
    frame, y = ctx.test.iloc[take].reset_index(drop=True), ctx.y_test[take]
    base = _score(ctx, frame, y)
    out = []
    for column in frame.columns:
        drops = []
        for _ in range(REPEATS):
            shuffled = frame.copy()
            shuffled[column] = frame[column].to_numpy()[ctx.rng.permutation(len(frame))]
            drops.append(base - _score(ctx, shuffled, y))
        out.append({"feature": str(column), "value": rounded(float(np.mean(drops))),
                    "std": rounded(float(np.std(drops)))})
    return sorted(out, key=lambda d: -(d["value"] or 0))


def local(ctx: Context, rows: int = 3) -> list[dict[str, Any]]:
    proba = ctx.probabilities()
    if proba is None:
        return []
    typical = {c: (ctx.test[c].median() if c in ctx.numeric else ctx.test[c].mode().iloc[0]) for c in ctx.test.columns}
    out = []
    for i in range(min(rows, len(ctx.test))):
        row = ctx.test.iloc[[i]]
        k = int(np.argmax(proba[i]))
        variants = pd.concat([row.assign(**{c: typical[c]}) for c in ctx.test.columns], ignore_index=True)
        moved = np.asarray(ctx.model.predict_proba(variants))[:, k]
        effects = {str(c): rounded(float(proba[i, k] - moved[j])) for j, c in enumerate(ctx.test.columns)}
        top = sorted(effects.items(), key=lambda kv: -abs(kv[1] or 0))[:5]
        out.append({"row": i, "predicted": str(ctx.classes[k]) if ctx.classes else k,
                    "probability": rounded(float(proba[i, k])), "contributions": dict(top)})
    return out


def run(ctx: Context) -> dict[str, Any]:
    ctx.progress("explain")
    return {"passed": None, "method": "permutation", "importance": importance(ctx), "local": local(ctx)}
