"""Label noise, outliers and poisoning indicators.

Label noise follows confident learning (Northcutt et al.): out-of-fold predicted probabilities from
5-fold cross-validation; each class j gets a threshold t_j, the mean probability of j over rows
labelled j; a row is a likely label error when some other class reaches its threshold and is the
most probable such class. Poisoning indicators are cheap signals an attacker leaves: one row
repeated many times (a burst), identical features with conflicting labels, a label balance that
moved away from the baseline.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from secplan.data.validate.profile import is_categorical, numeric_view

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

#: Label noise is estimated on at most this many rows (a random sample), to bound the cost.
MAX_NOISE_ROWS = 20_000


def feature_matrix(df: pd.DataFrame, exclude: set[str]) -> np.ndarray:
    """Numbers as they are (nulls to the median), low-cardinality text one-hot; free text is left out."""
    import numpy as np
    import pandas as pd

    parts = []
    for name in df.columns:
        if name in exclude:
            continue
        col = df[name]
        values = numeric_view(col)
        if values is not None:
            num = pd.to_numeric(col, errors="coerce").astype("float64")
            parts.append(num.fillna(num.median() if num.notna().any() else 0.0).to_numpy()[:, None])
        elif is_categorical(col, int(col.nunique())):
            parts.append(pd.get_dummies(col.astype("string").fillna("<null>"), dtype="float64").to_numpy())
    return np.hstack(parts) if parts else np.zeros((len(df), 0))


def label_issues(df: pd.DataFrame, label: str, *, seed: int = 0) -> tuple[np.ndarray, int]:
    """(positions of likely mislabelled rows, rows examined)."""
    import numpy as np
    from sklearn.ensemble import HistGradientBoostingClassifier
    from sklearn.model_selection import StratifiedKFold, cross_val_predict

    sample = df.sample(n=MAX_NOISE_ROWS, random_state=seed) if len(df) > MAX_NOISE_ROWS else df
    y = sample[label].astype("string").fillna("<null>").to_numpy()
    classes, y_codes = np.unique(y, return_inverse=True)
    counts = np.bincount(y_codes)
    x = feature_matrix(sample, {label})
    if len(classes) < 2 or counts.min() < 5 or x.shape[1] == 0:
        return np.array([], dtype=int), 0
    from threadpoolctl import threadpool_limits

    folds = StratifiedKFold(n_splits=5, shuffle=True, random_state=seed)
    model = HistGradientBoostingClassifier(max_iter=100, random_state=seed)
    # One OpenMP thread: on a busy machine, oversubscribed threads make this ten times slower.
    with threadpool_limits(1):
        probs = cross_val_predict(model, x, y_codes, cv=folds, method="predict_proba")
    thresholds = np.array([probs[y_codes == j, j].mean() for j in range(len(classes))])
    above = probs >= thresholds[None, :]
    masked = np.where(above, probs, -1.0)
    best = masked.argmax(axis=1)
    suspect = above.any(axis=1) & (best != y_codes)
    positions = np.flatnonzero(suspect)
    return sample.index.to_numpy()[positions], len(sample)


def robust_outliers(values: np.ndarray, median: float, mad: float, z: float) -> np.ndarray:
    """Values whose robust z-score (MAD scaled to a normal's sigma) exceeds ``z``."""
    import numpy as np

    scale = 1.4826 * mad
    if scale <= 0:
        return np.zeros(len(values), dtype=bool)
    return np.abs(values - median) / scale > z


def conflicting_labels(df: pd.DataFrame, label: str) -> np.ndarray:
    """True for rows whose features also occur with a different label."""
    import pandas as pd

    from secplan.data.validate.duplicates import row_hashes

    features = [c for c in df.columns if c != label]
    frame = pd.DataFrame({"f": row_hashes(df[features]), "y": df[label].astype("string").fillna("<null>").to_numpy()})
    labels_per_row = frame.groupby("f")["y"].transform("nunique")
    return (labels_per_row > 1).to_numpy()


def bursts(df: pd.DataFrame, min_rows: int) -> list[tuple[int, int]]:
    """(first position, copies) for each row repeated at least ``min_rows`` times."""
    import pandas as pd

    from secplan.data.validate.duplicates import row_hashes

    hashes = pd.Series(row_hashes(df))
    sizes = hashes.map(hashes.value_counts())
    first = ~hashes.duplicated()
    hit = first & (sizes >= min_rows)
    return [(int(i), int(sizes[i])) for i in hit[hit].index]
