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


def _fitted_estimators():
    from sklearn.utils import all_estimators

    rng = np.random.RandomState(0)
    X = rng.rand(60, 4)
    y = (X[:, 0] > 0.5).astype(int)
    for name, cls in all_estimators():
        try:
            estimator = cls()
        except TypeError:
            continue  # meta-estimators that need an inner estimator
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            for fit in (lambda e: e.fit(X, y), lambda e: e.fit(X)):
                try:
                    fit(estimator)
                    break
                except Exception:
                    continue
            else:
                continue
        yield name, estimator


def test_every_fitted_sklearn_estimator_scans_safe(tmp_path: Path) -> None:
    unsafe, scanned = {}, 0
    for name, estimator in _fitted_estimators():
        try:
            data = pickle.dumps(estimator)
        except Exception:
            continue
        path = tmp_path / f"{name}.pkl"
        path.write_bytes(data)
        result = scan_file(path)
        scanned += 1
        if result.verdict is not Verdict.SAFE:
            unsafe[name] = sorted({f.symbol or f.message for f in result.findings})
    assert scanned > 100, f"only {scanned} estimators could be fitted: the test checks too little"
    assert unsafe == {}


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
