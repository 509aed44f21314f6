"""A model's sliding window of requests: feature drift, prediction drift and out-of-distribution rate.

Feature drift reuses the DS-7 statistics of :mod:`secplan.data.validate.drift` (normalised
Wasserstein, KS with a Benjamini-Hochberg correction, PSI over the reference quantiles) on the
window's rows, so a dataset and live traffic are judged by one definition of drift. A feature
drifts when its corrected p-value is below ``drift_alpha`` *and* the effect is large (PSI or
Wasserstein), so a long window never flags a negligible shift.
"""

from __future__ import annotations

from collections import Counter, deque
from collections.abc import Mapping
from typing import Any

import numpy as np

from secplan.data.validate.drift import column_drifts, psi
from secplan.data.validate.profile import Profile
from secplan.model.monitor.detection import Detection
from secplan.model.monitor.space import category_key
from secplan.plan.model import MonitoringPolicy


class ModelWindow:
    """The last ``policy.window`` requests of one model; judged every half window."""

    def __init__(self, model: str, profile: Profile, policy: MonitoringPolicy) -> None:
        self.model, self.profile, self.policy = model, profile, policy
        self.rows: deque[Mapping[str, Any]] = deque(maxlen=policy.window)
        self.predictions: deque[str] = deque(maxlen=policy.window)
        self.ood: deque[bool] = deque(maxlen=policy.window)
        self.seen = 0
        self.last: dict[str, Any] = {"features": {}, "prediction_psi": None, "ood_rate": None}
        label = profile.columns.get(profile.label) if profile.label else None
        self.reference = dict(label.categories) if label and label.categories else None

    def add(self, row: Mapping[str, Any], prediction: Any, ood: bool) -> list[Detection]:
        self.rows.append(row)
        self.predictions.append(category_key(prediction) if prediction is not None else "")
        self.ood.append(ood)
        self.seen += 1
        full = len(self.rows) == self.policy.window
        if not full or self.seen % max(1, self.policy.window // 2):
            return []
        return self.judge()

    def _span(self, signal: str, **stats: Any) -> dict[str, Any]:
        return {"first": self.seen - len(self.rows) + 1, "last": self.seen, "requests": len(self.rows),
                "signal": signal, **stats}

    def judge(self) -> list[Detection]:
        import pandas as pd

        p = self.policy
        found: list[Detection] = []
        frame = pd.DataFrame(list(self.rows))
        features: dict[str, dict[str, float]] = {}
        for d in column_drifts(self.profile, frame, "bh"):
            stats = {"psi": round(d.psi, 6), "p_adjusted": d.p_adjusted}
            if d.wasserstein is not None:
                stats["wasserstein"] = round(d.wasserstein, 6)
            features[d.column] = stats
            big = d.psi >= p.drift_psi or (d.wasserstein is not None and d.wasserstein >= p.drift_wasserstein)
            if d.p_adjusted < p.drift_alpha and big:
                found.append(Detection("drift", self.model, round(d.psi, 6), p.drift_psi,
                                       f"feature {d.column!r} drifted from the training profile (PSI {d.psi:.3f}"
                                       + (f", normalised Wasserstein {d.wasserstein:.3f}" if d.wasserstein is not None
                                          else "") + f", corrected p {d.p_adjusted:.2g})",
                                       feature=d.column, window=self._span("feature-drift", **stats)))
        ood_rate = float(np.mean(self.ood))
        self.last = {"features": features, "ood_rate": round(ood_rate, 6), "prediction_psi": None}
        if ood_rate > p.ood_rate:
            found.append(Detection("ood", self.model, round(ood_rate, 6), p.ood_rate,
                                   f"{ood_rate:.1%} of the last {len(self.rows)} requests are out of distribution",
                                   window=self._span("ood-rate")))
        shift = self._prediction_psi()
        if shift is not None:
            self.last["prediction_psi"] = round(shift, 6)
            if shift > p.prediction_psi:
                found.append(Detection("prediction-drift", self.model, round(shift, 6), p.prediction_psi,
                                       f"predicted classes drifted from the training labels (PSI {shift:.3f})",
                                       window=self._span("prediction-psi")))
        return found

    def _prediction_psi(self) -> float | None:
        if self.reference is None:
            return None
        counts = Counter(self.predictions)
        cats = list(self.reference)
        expected = np.array([self.reference[c] for c in cats] + [0.0])
        expected = expected / expected.sum()
        n = len(self.predictions)
        actual = np.array([counts.get(c, 0) for c in cats] + [n - sum(counts.get(c, 0) for c in cats)]) / n
        return psi(expected, actual)
