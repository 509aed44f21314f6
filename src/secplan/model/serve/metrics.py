"""``/metrics`` in the Prometheus text format: requests, refusals by reason, a latency histogram,
the gateway's own overhead, drift scores and alerts.

Kept in-house (a few counters under one lock) so that the gateway adds no dependency and each
request pays one dictionary update.
"""

from __future__ import annotations

import bisect
import threading
from collections import defaultdict
from collections.abc import Callable, Mapping
from typing import Any

BUCKETS = (0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0)
"""Latency histogram bucket bounds in seconds."""


def _labels(pairs: Mapping[str, str]) -> str:
    if not pairs:
        return ""
    inner = ",".join(f'{k}="{_escape(v)}"' for k, v in pairs.items())
    return "{" + inner + "}"


def _escape(value: str) -> str:
    return str(value).replace("\\", "\\\\").replace("\n", "\\n").replace('"', '\\"')


class Metrics:
    def __init__(self, model: str) -> None:
        self.model = model
        self._lock = threading.Lock()
        self.requests: dict[str, int] = defaultdict(int)
        self.refusals: dict[str, int] = defaultdict(int)
        self._latency = [0] * (len(BUCKETS) + 1)
        self._latency_sum = 0.0
        self._overhead_sum = 0.0
        self._count = 0
        self.alerts: dict[str, int] = defaultdict(int)

    def observe(self, status: int, reason: str | None, seconds: float, overhead: float) -> None:
        with self._lock:
            self.requests[str(status)] += 1
            if reason:
                self.refusals[reason] += 1
            self._latency[bisect.bisect_left(BUCKETS, seconds)] += 1
            self._latency_sum += seconds
            self._overhead_sum += overhead
            self._count += 1

    def alert(self, kind: str) -> None:
        with self._lock:
            self.alerts[kind] += 1

    def render(self, monitor: Callable[[], dict[str, Any]] | None = None) -> str:
        m = {"model": self.model}
        out: list[str] = []

        def family(name: str, kind: str, text: str) -> None:
            out.extend((f"# HELP {name} {text}", f"# TYPE {name} {kind}"))

        with self._lock:
            family("secplan_requests_total", "counter", "Requests by HTTP status.")
            for status, n in sorted(self.requests.items()):
                out.append(f"secplan_requests_total{_labels({**m, 'status': status})} {n}")
            family("secplan_refusals_total", "counter", "Refused requests by reason.")
            for reason, n in sorted(self.refusals.items()):
                out.append(f"secplan_refusals_total{_labels({**m, 'reason': reason})} {n}")
            family("secplan_request_seconds", "histogram", "Time from request to response.")
            total = 0
            for bound, n in zip((*BUCKETS, float("inf")), self._latency, strict=True):
                total += n
                le = "+Inf" if bound == float("inf") else repr(bound)
                out.append(f"secplan_request_seconds_bucket{_labels({**m, 'le': le})} {total}")
            out.append(f"secplan_request_seconds_sum{_labels(m)} {self._latency_sum:.6f}")
            out.append(f"secplan_request_seconds_count{_labels(m)} {self._count}")
            family("secplan_overhead_seconds_sum", "counter", "The gateway's own time (guards, audit), summed.")
            out.append(f"secplan_overhead_seconds_sum{_labels(m)} {self._overhead_sum:.6f}")
            family("secplan_alerts_total", "counter", "Monitoring alerts raised by kind.")
            for kind, n in sorted(self.alerts.items()):
                out.append(f"secplan_alerts_total{_labels({**m, 'kind': kind})} {n}")
        status = monitor() if monitor else None
        if status:
            family("secplan_monitored_requests_total", "counter", "Rows the monitor has seen.")
            out.append(f"secplan_monitored_requests_total{_labels(m)} {status.get('requests', 0)}")
            family("secplan_ood_requests_total", "counter", "Rows scored out of distribution.")
            out.append(f"secplan_ood_requests_total{_labels(m)} {status.get('ood_requests', 0)}")
            window = status.get("window") or {}
            family("secplan_feature_psi", "gauge", "PSI of each feature over the last drift window.")
            for feature, stats in sorted((window.get("features") or {}).items()):
                out.append(f"secplan_feature_psi{_labels({**m, 'feature': feature})} {stats.get('psi', 0.0)}")
            if window.get("ood_rate") is not None:
                family("secplan_ood_rate", "gauge", "Share of out-of-distribution rows in the last window.")
                out.append(f"secplan_ood_rate{_labels(m)} {window['ood_rate']}")
            if window.get("prediction_psi") is not None:
                family("secplan_prediction_psi", "gauge", "PSI of predicted classes over the last window.")
                out.append(f"secplan_prediction_psi{_labels(m)} {window['prediction_psi']}")
        return "\n".join(out) + "\n"
