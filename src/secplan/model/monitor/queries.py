"""Per-client query patterns: the signals of model extraction and of evasion probing.

Each client's last ``client_window`` queries are kept in profile coordinates
(:mod:`secplan.model.monitor.space`). For each new query:

- *off-manifold*: its joint p-value under the training copula is below 1%, or it carries a value
  no training row had (an unseen category or integer code, a fraction for an integer feature).
  Real traffic is off-manifold about 1% of the time; queries synthesised from the profile's
  marginals (the cheapest extraction strategy with label-only answers) are off it most of the
  time: they break the joint shape, and interpolated statistics of discrete features give values
  between the real ones.
- *PRADA* (Juuti et al., 2019): the distance of each query to the client's nearest earlier query;
  benign streams give a smooth, near-log-normal set of distances, synthetic or perturbation-based
  streams do not; a Shapiro-Wilk W below ``prada_delta`` is the second extraction signal.
- *near-duplicate*: it lies within ``DUPLICATE_DISTANCE`` of an earlier query (line searches,
  perturbation loops);
- *boundary probe*: an earlier query within ``PROBE_DISTANCE`` got a different label (the binary
  searches of HopSkipJump and other decision-based attacks straddle the boundary).

Rates are taken over the window once the client has made ``client_min_queries`` queries.
Distances are root-mean-square per coordinate, so thresholds do not depend on the feature count.
"""

from __future__ import annotations

from collections import deque
from typing import Any

import numpy as np
from scipy.stats import shapiro

from secplan.model.monitor.detection import Detection
from secplan.plan.model import MonitoringPolicy

DUPLICATE_DISTANCE = 0.02
PROBE_DISTANCE = 0.1
OFF_MANIFOLD_P = 0.01
#: Rates are recomputed every this many queries of a client (cheap, but not free).
JUDGE_EVERY = 10


class ClientPatterns:
    """The recent queries of one client of one model."""

    def __init__(self, model: str, client: str, dim: int, policy: MonitoringPolicy) -> None:
        self.model, self.client, self.policy = model, client, policy
        size = policy.client_window
        self.vectors = np.zeros((size, dim))
        self.labels = np.full(size, -1, dtype="int64")
        self._codes: dict[str, int] = {}
        self.count = 0
        self.nearest: deque[float] = deque(maxlen=size)
        self.flags: deque[tuple[bool, bool, bool]] = deque(maxlen=size)
        self.last: dict[str, Any] = {}

    def add(self, vector: np.ndarray, label: str, joint_p: float, unseen: bool = False) -> list[Detection]:
        size = len(self.labels)
        held = min(self.count, size)
        code = self._codes.setdefault(label, len(self._codes))
        duplicate = probe = False
        if held and self.vectors.shape[1]:
            diffs = self.vectors[:held] - vector
            dist = np.sqrt(np.einsum("ij,ij->i", diffs, diffs) / self.vectors.shape[1])
            nearest = float(dist.min())
            if held >= self.policy.client_min_queries:  # a young buffer's distances say little
                self.nearest.append(nearest)
            duplicate = nearest < DUPLICATE_DISTANCE
            probe = bool(np.any((dist < PROBE_DISTANCE) & (self.labels[:held] != code)))
        slot = self.count % size
        self.vectors[slot] = vector
        self.labels[slot] = code
        self.count += 1
        self.flags.append((joint_p < OFF_MANIFOLD_P or unseen, duplicate, probe))
        if self.count < self.policy.client_min_queries or self.count % JUDGE_EVERY:
            return []
        return self.judge()

    def _window(self, signal: str, **stats: Any) -> dict[str, Any]:
        return {"first": self.count - len(self.flags) + 1, "last": self.count, "requests": len(self.flags),
                "signal": signal, **stats}

    def judge(self) -> list[Detection]:
        p = self.policy
        flags = np.array(self.flags, dtype=bool)
        off, dup, probe = (float(x) for x in flags.mean(axis=0))
        logs = np.log(np.asarray(self.nearest) + 1e-6)
        prada = float(shapiro(logs).statistic) if len(logs) >= 20 and np.ptp(logs) > 0 else None
        self.last = {"queries": self.count, "off_manifold_rate": round(off, 4), "near_duplicate_rate": round(dup, 4),
                     "boundary_probe_rate": round(probe, 4), "prada_w": None if prada is None else round(prada, 4)}
        found: list[Detection] = []
        who = f"client {self.client!r}"
        if off > p.extraction_offmanifold_rate:
            found.append(Detection("extraction", self.model, round(off, 4), p.extraction_offmanifold_rate,
                                   f"{who}: {off:.0%} of its last {len(flags)} queries lie off the training data's "
                                   "joint distribution (synthetic queries, as in model extraction)",
                                   client=self.client, window=self._window("off-manifold-rate", **self.last)))
        elif prada is not None and prada < p.prada_delta:
            found.append(Detection("extraction", self.model, round(prada, 4), p.prada_delta,
                                   f"{who}: the distances between its queries fail PRADA's normality test "
                                   f"(Shapiro-Wilk W {prada:.3f})", client=self.client,
                                   window=self._window("prada", **self.last)))
        if probe > p.boundary_probe_rate:
            found.append(Detection("evasion", self.model, round(probe, 4), p.boundary_probe_rate,
                                   f"{who}: {probe:.0%} of its last {len(flags)} queries flip the label of a near "
                                   "neighbour (decision-boundary probing, as in HopSkipJump)",
                                   client=self.client, window=self._window("boundary-probe-rate", **self.last)))
        elif dup > p.near_duplicate_rate:
            found.append(Detection("evasion", self.model, round(dup, 4), p.near_duplicate_rate,
                                   f"{who}: {dup:.0%} of its last {len(flags)} queries nearly repeat an earlier one",
                                   client=self.client, window=self._window("near-duplicate-rate", **self.last)))
        return found
