"""One model's monitor: every request passes through the model window and its client's patterns.

:meth:`Monitor.observe` is cheap (a vectorised encoding and one distance row per request) and
returns new detections; a detection with the same key as one already reported is reported again
only after another window of requests, so a continuing attack updates one alert instead of
flooding the store.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from secplan.data.validate.profile import Profile
from secplan.model.monitor.detection import Detection
from secplan.model.monitor.drift import ModelWindow
from secplan.model.monitor.queries import ClientPatterns
from secplan.model.monitor.space import FeatureSpace, category_key
from secplan.plan.model import MonitoringPolicy

#: Per-client state is dropped for the least recently seen clients beyond this many.
MAX_CLIENTS = 10_000


class Monitor:
    def __init__(self, model: str, profile: Profile, policy: MonitoringPolicy | None = None) -> None:
        self.model = model
        self.policy = policy or MonitoringPolicy()
        self.space = FeatureSpace(profile)
        self.window = ModelWindow(model, profile, self.policy)
        self.clients: dict[str, ClientPatterns] = {}
        self.requests = 0
        self.ood_requests = 0
        self._reported: dict[tuple, int] = {}

    def observe(self, rows: Sequence[Mapping[str, Any]], predictions: Sequence[Any],
                client: str | None = None) -> list[Detection]:
        """Account for one request's rows and the predictions returned for them."""
        return self.observe_many([(rows, predictions, client)])

    def observe_many(self, requests: Sequence[tuple[Sequence[Mapping[str, Any]], Sequence[Any], str | None]]
                     ) -> list[Detection]:
        """Several requests at once (the gateway drains its queue): one vectorised encoding for all."""
        flat = [row for rows, _, _ in requests for row in rows]
        if not flat:
            return []
        encoded = self.space.encode(flat)
        found: list[Detection] = []
        i = 0
        for rows, predictions, client in requests:
            patterns = self._client(client) if client is not None else None
            for j, row in enumerate(rows):
                prediction = predictions[j] if j < len(predictions) else None
                ood = bool(encoded.score[i] > self.policy.ood_score)
                self.requests += 1
                self.ood_requests += ood
                found += self.window.add(row, prediction, ood)
                if patterns is not None:
                    label = category_key(prediction) if prediction is not None else ""
                    found += patterns.add(encoded.vectors[i], label, float(encoded.joint_p[i]),
                                          bool(encoded.unseen[i]))
                i += 1
        return self._new(found)

    def budget(self, client: str, used: int, limit: int) -> list[Detection]:
        """A client's use of its query budget (the gateway's limiter counts it)."""
        if limit <= 0:
            return []
        burn = used / limit
        if burn < self.policy.budget_burn:
            return []
        return self._new([Detection("budget", self.model, round(burn, 4), self.policy.budget_burn,
                                    f"client {client!r} has used {used} of its {limit} queries ({burn:.0%})",
                                    client=client, window={"signal": "budget-burn", "used": used, "limit": limit})])

    def _client(self, client: str) -> ClientPatterns:
        patterns = self.clients.pop(client, None)
        if patterns is None:
            if len(self.clients) >= MAX_CLIENTS:
                self.clients.pop(next(iter(self.clients)))
            patterns = ClientPatterns(self.model, client, self.space.dim, self.policy)
        self.clients[client] = patterns  # most recently seen last
        return patterns

    def _new(self, found: list[Detection]) -> list[Detection]:
        fresh = []
        for d in found:
            last = self._reported.get(d.key)
            if last is None or self.requests - last >= self.policy.window:
                self._reported[d.key] = self.requests
                fresh.append(d)
        return fresh

    def status(self) -> dict[str, Any]:
        """Numbers for ``secplan monitor status`` and ``/metrics``."""
        return {"model": self.model, "requests": self.requests, "ood_requests": self.ood_requests,
                "clients": len(self.clients), "window": self.window.last,
                "joint_profile": self.space._inverse is not None}
