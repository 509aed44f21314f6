"""Every estimator scikit-learn ships pickles clean (internals included), and an off-allowlist function
is judged by what the pickle does with it: held as a value it is harmless, called it is not."""

from __future__ import annotations

import pickle
import warnings
from pathlib import Path

import numpy as np
import pytest

from secplan.model.scan import Verdict, scan_file

from .corpus import glob0


def _instances(cls: type) -> list:
    """Instances as scikit-learn's own test suite builds them (meta-estimators get an inner estimator,
    parameter sets that exercise other code paths come as several instances), else the defaults."""
    from sklearn.base import clone
    from sklearn.linear_model import LogisticRegression

    if cls.__name__ == "FrozenEstimator":
        return [cls(LogisticRegression().fit(X, y))]
    if cls.__name__ == "SparseCoder":
        return [cls(dictionary=rng.rand(3, 4))]
    try:
        from sklearn.utils._test_common.instance_generator import _construct_instances

        return [clone(e) for e in _construct_instances(cls)] + _default(cls)
    except Exception:
        return _default(cls)


def _default(cls: type) -> list:
    try:
        return [cls()]
    except TypeError:
        return []


rng = np.random.RandomState(0)
X = rng.rand(60, 4)
y = (X[:, 0] > 0.5).astype(int)
TEXTS = ["the cat sat", "a dog ran", "the bird flew", "cats and dogs"] * 15
#: Data shapes the estimators need: features and labels, features only, multi-output targets, positive
#: targets, text, labels, dicts, one feature, a kernel matrix.
FITS = [lambda e: e.fit(X, y), lambda e: e.fit(X), lambda e: e.fit(X, np.c_[y, 1 - y]),
        lambda e: e.fit(X, X[:, 1] + 0.5), lambda e: e.fit(TEXTS), lambda e: e.fit(["a", "b", "c"] * 20),
        lambda e: e.fit([{"a": i % 3, "b": "xy"[i % 2]} for i in range(60)]), lambda e: e.fit(X[:, 0], X[:, 1]),
        lambda e: e.fit(X @ X.T, y), lambda e: e.fit(X @ X.T)]


def _fitted_estimators():
    from sklearn.utils import all_estimators

    for name, cls in all_estimators():
        fitted = 0
        for estimator in _instances(cls):
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                for fit in FITS:
                    try:
                        fit(estimator)
                    except Exception:
                        continue
                    fitted += 1
                    yield name, estimator
                    break
        if not fitted:
            yield name, None


def test_every_fitted_sklearn_estimator_scans_safe(tmp_path: Path) -> None:
    import joblib

    unsafe, scanned, unfitted = {}, 0, []
    for name, estimator in _fitted_estimators():
        if estimator is None:
            unfitted.append(name)
            continue
        for how in ("pickle", "joblib"):
            path = tmp_path / f"{name}.{how}"
            if how == "pickle":
                path.write_bytes(pickle.dumps(estimator))
            else:
                joblib.dump(estimator, path)
            result = scan_file(path)
            scanned += 1
            if result.verdict is not Verdict.SAFE:
                unsafe[f"{name} ({how})"] = sorted({f.symbol or f.message for f in result.findings})
    assert unsafe == {}
    assert unfitted == [], "estimators the test could not fit: it must build the data they need"
    assert scanned > 400, f"only {scanned} pickles were scanned: the test checks too little"


@pytest.mark.parametrize("params", [
    {},  # the defaults
    {"early_stopping": True, "scoring": "scorer"},  # keeps a scorer and a bound method
    {"categorical_features": [0]},  # keeps a preprocessing pipeline with functools.partial
])
@pytest.mark.parametrize("kind", ["HistGradientBoostingClassifier", "HistGradientBoostingRegressor"])
def test_hist_gradient_boosting_internals_scan_safe(tmp_path: Path, kind: str, params: dict) -> None:
    import sklearn.ensemble

    data = np.c_[rng.randint(0, 4, 400), rng.rand(400, 2)]
    target = (data[:, 1] > 0.5).astype(int)
    if params.get("scoring"):
        params = {**params, "scoring": "balanced_accuracy" if kind.endswith("Classifier") else "neg_max_error"}
    model = getattr(sklearn.ensemble, kind)(max_iter=5, **params).fit(data, target)
    path = tmp_path / "hgb.pkl"
    path.write_bytes(pickle.dumps(model))
    result = scan_file(path)
    assert result.verdict is Verdict.SAFE, [f.to_dict() for f in result.findings]


def test_a_bound_method_is_safe_to_hold_but_not_to_call_or_reach_code_with(tmp_path: Path) -> None:
    from .corpus import su

    inst = glob0("sklearn.linear_model._logistic", "LogisticRegression") + b")\x81"  # NEWOBJ
    getattr_ = su("builtins") + su("getattr") + b"\x93"
    held = b"\x80\x04" + getattr_ + inst + su("predict") + b"\x86R."
    called = b"\x80\x04" + getattr_ + inst + su("predict") + b"\x86R" + su("x") + b"\x85R."
    dunder = b"\x80\x04" + getattr_ + inst + su("__reduce__") + b"\x86R."
    writer = b"\x80\x04" + getattr_ + inst + su("save") + b"\x86R."
    verdicts = []
    for data in (held, called, dunder, writer):
        (tmp_path / "m.pkl").write_bytes(data)
        verdicts.append(scan_file(tmp_path / "m.pkl").verdict)
    assert verdicts == [Verdict.SAFE, Verdict.SUSPICIOUS, Verdict.UNSAFE, Verdict.UNSAFE]


@pytest.mark.parametrize(("payload", "verdict"), [
    # held as a value (a score function in an estimator's state): harmless
    (b"\x80\x02}q\x00X\n\x00\x00\x00score_funcq\x01" + glob0("scipy.stats", "kendalltau") + b"s.", Verdict.SAFE),
    # the same function called at load time
    (glob0("scipy.stats", "kendalltau") + b"(K\x01K\x02tR.", Verdict.SUSPICIOUS),
    # a value of a library outside the reference list stays suspicious
    (b"\x80\x02}q\x00X\x01\x00\x00\x00fq\x01" + glob0("mypkg.helpers", "transform") + b"s.", Verdict.SUSPICIOUS),
    # the dangerous list wins even for a value that is never called
    (b"\x80\x02}q\x00X\x01\x00\x00\x00fq\x01" + glob0("numpy", "load") + b"s.", Verdict.UNSAFE),
    # handed to a call that may call it (copyreg._reconstructor(cls, ...)) counts as called
    (glob0("copyreg", "_reconstructor") + b"(" + glob0("mypkg.models", "Net") + glob0("builtins", "object")
     + b"NtR.", Verdict.SUSPICIOUS),
])
def test_held_values_and_calls_are_judged_apart(tmp_path: Path, payload: bytes, verdict: Verdict) -> None:
    path = tmp_path / "model.pkl"
    path.write_bytes(payload)
    assert scan_file(path).verdict is verdict
