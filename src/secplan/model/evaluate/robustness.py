"""Robustness: perturbation stability, a budgeted black-box evasion attack and white-box attacks.

Perturbations: 1% relative noise and Gaussian noise of 5% of a column's spread on numeric features,
and a swap of one categorical value; each reports the share of predictions that flip, and
``perturbation_flip_rate`` is the worst of them. A curve of the Gaussian flip rate at growing noise
shows how fast the model degrades. The black-box attack is ART's HopSkipJump through a label-only
``BlackBoxClassifier`` on numeric features, for any model. White-box attacks (FGSM and PGD where the
model exposes input gradients, ART's decision tree attack for a single tree) run inside the worker
next to the model (:mod:`secplan.model.worker.whitebox`), never here. Every attack succeeds on a row
when it flips the label with every feature moved by at most ``attack_epsilon`` of that feature's
standard deviation.
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import pandas as pd

from secplan.model.evaluate.context import Context, rounded, same_labels
from secplan.model.worker.interface import WhiteBox

WHITE_BOX = ("fgsm", "pgd", "decision_tree")
"""The white-box attacks, in the order they run."""
NO_WHITE_BOX = {"onnx": "onnxruntime's inference sessions compute no input gradients, and ART reads no ONNX tree",
                "xgboost": "a boosted ensemble has no input gradients, and the decision tree attack needs one tree",
                "lightgbm": "a boosted ensemble has no input gradients, and the decision tree attack needs one tree"}
"""Why formats without a white-box adapter get no white-box attack."""

SAMPLE = 500
"""Test rows the perturbation checks use."""
ATTACK_ROWS = 10
"""Rows HopSkipJump attacks at most; the budget is shared among them."""
WHITE_BOX_ROWS = 200
"""Test rows each white-box attack attacks (a gradient or a tree walk per row is cheap)."""
PGD_STEPS = 10
NOISE_LEVELS = (0.01, 0.02, 0.05, 0.1, 0.2, 0.5)
"""Gaussian noise, in standard deviations of each numeric feature, of the perturbation curve."""
INIT_EVAL, MAX_EVAL, SEARCH = 10, 50, 35
"""HopSkipJump's gradient samples (first iteration, at most) and the queries of one step's searches."""


def _iterations(per_row: int) -> int:
    """The most HopSkipJump iterations whose queries (ART's sqrt-growing samples plus the searches)
    fit in ``per_row``, after the first binary search from the starting point."""
    spent, n = 2 * SEARCH, 0
    while n < 50:
        cost = min(int(INIT_EVAL * (n + 1) ** 0.5), MAX_EVAL) + SEARCH
        if spent + cost > per_row:
            break
        spent, n = spent + cost, n + 1
    return max(1, n)


def _flip(ctx: Context, rows: pd.DataFrame, base: np.ndarray, changed: pd.DataFrame) -> float:
    return float(1 - same_labels(ctx.model.predict(changed), base).mean())


def _sample(ctx: Context) -> tuple[pd.DataFrame, np.ndarray]:
    """Up to ``SAMPLE`` test rows and their labels (from the predictions every suite shares)."""
    take = np.sort(ctx.rng.choice(len(ctx.test), min(SAMPLE, len(ctx.test)), replace=False))
    return ctx.test.iloc[take], ctx.predictions()[take]


def perturbations(ctx: Context) -> dict[str, float]:
    rows, base = _sample(ctx)
    out: dict[str, float] = {}
    numeric = ctx.numeric
    if numeric:
        relative = rows.copy()
        scale = 1 + ctx.rng.uniform(-0.01, 0.01, (len(rows), len(numeric)))
        relative[numeric] = relative[numeric].to_numpy(dtype="float64") * scale
        out["relative_1pct"] = _flip(ctx, rows, base, relative)
        gaussian = rows.copy()
        std = ctx.test[numeric].to_numpy(dtype="float64").std(axis=0)
        gaussian[numeric] = gaussian[numeric].to_numpy(dtype="float64") + \
            ctx.rng.normal(0, 1, (len(rows), len(numeric))) * std * 0.05
        out["gaussian_5pct_std"] = _flip(ctx, rows, base, gaussian)
    categorical = [c for c in ctx.test.columns if c not in numeric]
    if categorical:
        swapped = rows.copy()
        for i in range(len(swapped)):
            column = categorical[int(ctx.rng.integers(len(categorical)))]
            values = ctx.test[column].dropna().unique()
            if len(values) > 1:
                current = swapped.iat[i, swapped.columns.get_loc(column)]
                others = [v for v in values if v != current]
                swapped.iat[i, swapped.columns.get_loc(column)] = others[int(ctx.rng.integers(len(others)))]
        out["category_swap"] = _flip(ctx, rows, base, swapped)
    return out


def curve(ctx: Context) -> list[dict[str, float]]:
    """Share of predictions that flip under Gaussian noise of each level in ``NOISE_LEVELS`` (one query batch)."""
    numeric = ctx.numeric
    if not numeric:
        return []
    rows, base = _sample(ctx)
    std = ctx.test[numeric].to_numpy(dtype="float64").std(axis=0)
    noise = ctx.rng.normal(0, 1, (len(rows), len(numeric))) * std
    variants = []
    for level in NOISE_LEVELS:
        moved = rows.copy()
        moved[numeric] = moved[numeric].to_numpy(dtype="float64") + noise * level
        variants.append(moved)
    labels = np.asarray(ctx.model.predict(pd.concat(variants, ignore_index=True))).reshape(len(NOISE_LEVELS), -1)
    return [{"noise_std": level, "flip_rate": rounded(float(1 - same_labels(labels[i], base).mean()))}
            for i, level in enumerate(NOISE_LEVELS)]


def _outcome(ctx: Context, name: str, rows: np.ndarray, adversarial: np.ndarray, original: np.ndarray,
             std: np.ndarray, queries: int) -> dict[str, Any]:
    """Success rate (label flipped within ``attack_epsilon``), flip rate and median L2 / L-inf moves."""
    columns = list(ctx.test.columns)
    epsilon = float(ctx.thresholds.get("attack_epsilon", 0.25))
    after = ctx.model.predict(pd.DataFrame(adversarial, columns=columns))
    scaled = np.abs(adversarial - rows) / std
    flipped = ~same_labels(after, original)
    success = flipped & (scaled.max(axis=1) <= epsilon * (1 + 1e-4))  # ART computes some steps in float32
    l2 = np.linalg.norm(scaled[flipped], axis=1) if flipped.any() else np.array([np.nan])
    linf = scaled[flipped].max(axis=1) if flipped.any() else np.array([np.nan])
    return {"name": name, "success_rate": float(success.mean()), "queries": int(queries), "rows": len(rows),
            "label_flip_rate": rounded(flipped.mean()), "median_l2": rounded(float(np.median(l2))),
            "median_linf": rounded(float(np.median(linf))), "epsilon": epsilon, "units": "standard deviations"}


def white_box(ctx: Context) -> tuple[list[dict[str, Any]], list[dict[str, str]]]:
    """FGSM, PGD and the decision tree attack, each where the model supports it (run in its worker)."""
    rng = np.random.default_rng(int(ctx.rng.integers(1 << 31)))  # drawn always: the suites after see the same stream
    supported = ctx.model.white_box_attacks() if isinstance(ctx.model, WhiteBox) else []
    why = "a model behind an endpoint is a black box: no gradients, no tree" if not isinstance(ctx.model, WhiteBox) \
        else (ctx.model.info.details.get("white_box") or {}).get("not_run") or NO_WHITE_BOX.get(
            ctx.model.info.format, f"a {ctx.model.info.format} model exposes neither input gradients nor a single tree")
    if ctx.task != "classification":
        supported, why = [], "a regression model has no label to flip"
    elif supported and len(ctx.numeric) != len(ctx.test.columns):
        supported, why = [], "the attacks move numeric features only; the model reads text columns"
    skipped = [{"name": n, "skipped": why} for n in WHITE_BOX if n not in supported]
    if not supported:
        return [], skipped
    x_all = ctx.test.to_numpy(dtype="float64")
    std = np.where(x_all.std(axis=0) > 0, x_all.std(axis=0), 1.0)
    epsilon = float(ctx.thresholds.get("attack_epsilon", 0.25))
    low, high = x_all.min(axis=0), x_all.max(axis=0)
    take = np.sort(rng.choice(len(x_all), min(WHITE_BOX_ROWS, len(x_all)), replace=False))
    rows, original = x_all[take], ctx.predictions()[take]
    params = {"eps": (epsilon * std).tolist(), "eps_step": (epsilon * std / 4).tolist(), "max_iter": PGD_STEPS,
              "low": low.tolist(), "high": np.maximum(high, low + 1e-9).tolist(),
              "seed": int(rng.integers(1 << 31))}
    attacks = []
    for name in [n for n in WHITE_BOX if n in supported]:
        ctx.progress(f"robustness: {name}")
        adversarial, queries = ctx.model.attack(name, pd.DataFrame(rows, columns=ctx.test.columns), params)
        attacks.append(_outcome(ctx, name, rows, np.asarray(adversarial, dtype="float64"), original, std, queries))
    return attacks, skipped


def _starting_points(ctx: Context, x_all: np.ndarray, rows: np.ndarray, original: np.ndarray,
                     std: np.ndarray) -> np.ndarray:
    """Each attacked row starts from its nearest test row of another predicted label (scaled distance).

    ART would otherwise draw a random start from an unseeded generator; a real row of the other
    class is a start an attacker has too, and it keeps runs with the same seed identical.
    """
    labels = ctx.predictions()
    start = rows.copy()
    for i, row in enumerate(rows):
        other = ~same_labels(labels, np.full(len(labels), original[i]))
        if other.any():
            candidates = x_all[other]
            start[i] = candidates[np.argmin((((candidates - row) / std) ** 2).sum(axis=1))]
    return start


def hop_skip_jump(ctx: Context) -> dict[str, Any]:
    """Label-only evasion within the query budget; a skipped attack says why."""
    name = "hop_skip_jump"
    if ctx.task != "classification":
        return {"name": name, "skipped": "a regression model has no label to flip"}
    if len(ctx.numeric) != len(ctx.test.columns):
        return {"name": name, "skipped": "the attack moves numeric features only; the model reads text columns"}
    try:
        from art.attacks.evasion import HopSkipJump
        from art.estimators.classification import BlackBoxClassifier
    except ImportError:
        return {"name": name, "skipped": "needs the evaluate extra (adversarial-robustness-toolbox)"}
    columns = list(ctx.test.columns)
    x_all = ctx.test.to_numpy(dtype="float64")
    classes = list(ctx.classes)
    mean = x_all.mean(axis=0)
    std = np.where(x_all.std(axis=0) > 0, x_all.std(axis=0), 1.0)
    z_all = (x_all - mean) / std  # the attack moves features in standard deviations, as success is judged
    n_rows = int(max(1, min(ATTACK_ROWS, ctx.budget // 200, len(x_all))))
    iterations = _iterations(ctx.budget // n_rows)
    rows = x_all[ctx.rng.choice(len(x_all), n_rows, replace=False)]
    before = ctx.model.queries

    def predict(z: np.ndarray) -> np.ndarray:
        labels = ctx.model.predict(pd.DataFrame(z * std + mean, columns=columns))
        onehot = np.zeros((len(z), len(classes)))
        for j, c in enumerate(classes):
            onehot[same_labels(labels, np.full(len(z), c)), j] = 1
        return onehot

    classifier = BlackBoxClassifier(predict, x_all.shape[1:], len(classes),
                                    clip_values=(z_all.min(axis=0), z_all.max(axis=0)))
    attack = HopSkipJump(classifier, targeted=False, norm=np.inf, max_iter=iterations, max_eval=MAX_EVAL,
                         init_eval=INIT_EVAL, init_size=20, verbose=False)
    original = ctx.model.predict(pd.DataFrame(rows, columns=columns))
    start = _starting_points(ctx, x_all, rows, original, std)
    state = np.random.get_state()  # ART draws from numpy's global generator: seed it from ours, then restore
    np.random.seed(int(ctx.rng.integers(1 << 31)))
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            adversarial = attack.generate(x=(rows - mean) / std, x_adv_init=(start - mean) / std) * std + mean
    finally:
        np.random.set_state(state)
    return _outcome(ctx, name, rows, adversarial, original, std, ctx.model.queries - before)


def run(ctx: Context) -> dict[str, Any]:
    ctx.progress("robustness")
    kinds = perturbations(ctx)
    flip_rate = max(kinds.values()) if kinds else 0.0
    hsj = hop_skip_jump(ctx)
    noise_curve = curve(ctx)
    gradient, skipped = white_box(ctx)
    checks = [{"threshold": "max_flip_rate", "limit": ctx.thresholds["max_flip_rate"], "value": rounded(flip_rate),
               "passed": flip_rate <= ctx.thresholds["max_flip_rate"]}]
    attacks = ([hsj] if "success_rate" in hsj else []) + gradient
    for attack in attacks:
        key = "max_attack_success_rate" if attack["name"] == "hop_skip_jump" else "max_white_box_success_rate"
        limit = ctx.thresholds.get(key)
        if limit is not None:
            checks.append({"threshold": key, "attack": attack["name"], "limit": limit,
                           "value": rounded(attack["success_rate"]), "passed": attack["success_rate"] <= limit})
        attack["success_rate"] = rounded(attack["success_rate"])
    return {"passed": all(c["passed"] for c in checks), "perturbation_flip_rate": rounded(flip_rate),
            "perturbation": {k: rounded(v) for k, v in kinds.items()}, "perturbation_curve": noise_curve,
            "attacks": attacks, "skipped": ([hsj] if "skipped" in hsj else []) + skipped, "checks": checks}
