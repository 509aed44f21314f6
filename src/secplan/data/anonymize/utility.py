"""What anonymisation cost: distribution distance per column, and how well a model trained on the
anonymised data does on held-out *original* data compared with one trained on the original."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Literal

from secplan.data.anonymize.operators import date_midpoints, midpoints
from secplan.errors import InputError

if TYPE_CHECKING:
    import pandas as pd

ModelType = Literal["logistic", "random_forest", "gradient_boosting"]


def column_distance(original: pd.Series, released: pd.Series, *, dates: bool = False) -> dict[str, Any]:
    """Normalised Wasserstein (by the original's standard deviation) when both sides are numeric,
    numeric bands, or (``dates``) dates and generalised dates; total variation distance between value
    distributions otherwise."""
    import numpy as np
    import pandas as pd
    from scipy.stats import wasserstein_distance

    orig_num = pd.to_numeric(original, errors="coerce") if original.dtype.kind in "iuf" else None
    rel_num = None
    if dates:
        when = pd.to_datetime(original, errors="coerce", utc=True, format="mixed")
        orig_num = (when.dt.tz_localize(None) - pd.Timestamp("1970-01-01")).dt.days.astype("float64")
        rel_num = date_midpoints(released)
    elif orig_num is not None:
        rel_num = pd.to_numeric(released, errors="coerce") if released.dtype.kind in "iuf" else midpoints(released)
    if orig_num is not None:
        a = orig_num.dropna().to_numpy(dtype="float64")
        b = rel_num.dropna().to_numpy(dtype="float64") if rel_num is not None else np.array([])
        if len(a) and len(b):
            scale = float(np.std(a)) or 1.0
            return {"metric": "wasserstein_normalised", "distance": round(wasserstein_distance(a, b) / scale, 6)}
    # Both sides factorised together: one code space, two bincounts, no index alignment.
    both = pd.concat([original.astype("string"), released.astype("string")], ignore_index=True)
    codes, uniques = pd.factorize(both, use_na_sentinel=False)
    p = np.bincount(codes[: len(original)], minlength=len(uniques)) / max(1, len(original))
    q = np.bincount(codes[len(original):], minlength=len(uniques)) / max(1, len(released))
    tvd = 0.5 * float(np.abs(p - q).sum())
    return {"metric": "total_variation", "distance": round(tvd, 6)}


def _features(frames: list[pd.DataFrame]) -> list:
    """One-hot encode text columns consistently across frames; numbers stay numbers."""
    import pandas as pd

    joined = pd.concat(frames, keys=range(len(frames)))
    numeric = {c: pd.to_numeric(joined[c], errors="coerce") for c in joined.columns}
    parts = []
    for c in joined.columns:
        col = joined[c]
        if col.dtype.kind in "iufb":
            parts.append(numeric[c].fillna(numeric[c].median()).rename(c).to_frame())
        else:
            parts.append(pd.get_dummies(col.astype("string").fillna("<null>"), prefix=c, dtype="float64"))
    matrix = pd.concat(parts, axis=1) if parts else pd.DataFrame(index=joined.index)
    return [matrix.xs(i, level=0).to_numpy(dtype="float64") for i in range(len(frames))]


def _model(kind: ModelType):
    from sklearn.ensemble import HistGradientBoostingClassifier, RandomForestClassifier
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    if kind == "logistic":
        return make_pipeline(StandardScaler(), LogisticRegression(max_iter=1000))
    if kind == "random_forest":
        return RandomForestClassifier(n_estimators=100, random_state=0, n_jobs=1)
    return HistGradientBoostingClassifier(random_state=0)


def model_utility(
    original: pd.DataFrame,
    anonymise_rows,
    *,
    label: str,
    model: ModelType,
    feature_columns: list[str],
    seed: int = 0,
) -> dict[str, Any]:
    """Accuracy on a held-out 30% of the original rows of a model trained on the other 70%, original
    vs anonymised. ``anonymise_rows(frame, suppress)`` applies the policy to a frame (with or without
    suppression: held-out rows are generalised the same way but never dropped)."""
    import numpy as np
    from sklearn.model_selection import train_test_split

    if label not in original.columns:
        raise InputError(f"label column {label!r} is not in the input")
    y = original[label].astype("string").fillna("<null>")
    if y.nunique() < 2:
        raise InputError(f"label column {label!r} has fewer than two classes")
    counts = y.value_counts()
    stratify = y if counts.min() >= 2 else None
    train_idx, test_idx = train_test_split(np.arange(len(original)), test_size=0.3, random_state=seed,
                                           stratify=stratify)
    train, test = original.iloc[train_idx], original.iloc[test_idx]
    anon_train = anonymise_rows(train, True)
    anon_test = anonymise_rows(test, False)
    cols = [c for c in feature_columns if c in anon_train.columns and c != label]
    x_tr, x_te = _features([train[cols], test[cols]])
    a_tr, a_te = _features([anon_train[cols], anon_test[cols]])
    y_tr, y_te = y.iloc[train_idx].to_numpy(), y.iloc[test_idx].to_numpy()
    y_anon = anon_train[label].astype("string").fillna("<null>").to_numpy()
    from threadpoolctl import threadpool_limits

    with threadpool_limits(1):  # predictable on shared machines; the models are small
        base = _model(model).fit(x_tr, y_tr).score(x_te, y_te)
        anon = _model(model).fit(a_tr, y_anon).score(a_te, y_te) if len(set(y_anon)) > 1 else float("nan")
    return {
        "label": label,
        "model": model,
        "features": cols,
        "test_rows": len(test_idx),
        "accuracy_original": round(float(base), 4),
        "accuracy_anonymised": round(float(anon), 4),
        "accuracy_change": round(float(anon - base), 4),
    }
