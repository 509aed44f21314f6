"""Per-client request rates with the ``limits`` package: a moving window, so that no burst of twice
the rate slips through at a window's edge. Storage is in memory for one process and Redis when
several processes (workers, replicas) must share one count per client."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from secplan.errors import InputError


@dataclass(frozen=True)
class RateState:
    """One counted request: allowed or not, and what the ``RateLimit`` headers say."""

    allowed: bool
    limit: int
    remaining: int
    reset: int
    """Seconds until the window frees a request (at least 1 when refused)."""
    window: int
    """The window's length in seconds."""


def open_storage(url: str | None, option: str = "--redis") -> Any:
    """A ``limits`` storage: ``memory://`` by default, or the given ``redis://`` URL."""
    from limits.storage import storage_from_string

    try:
        return storage_from_string(url or "memory://")
    except Exception as exc:  # the limits package raises its own errors for bad URLs
        raise InputError(f"{option} {url!r}: {exc}") from None


class RateLimiter:
    """``rate`` (``N/second``, ``N/minute``...) per key, counted in ``storage``."""

    def __init__(self, rate: str, storage: Any, *, option: str = "--rate", namespace: str = "secplan-rate") -> None:
        from limits import parse
        from limits.strategies import MovingWindowRateLimiter

        try:
            self.rate = parse(rate)
        except ValueError:
            raise InputError(f"{option} {rate!r}: give N/second, N/minute or N/hour (for example 100/second)") from None
        self._limiter = MovingWindowRateLimiter(storage)
        self._namespace = namespace

    def hit(self, key: str) -> RateState:
        """Count one request for ``key``."""
        allowed = self._limiter.hit(self.rate, self._namespace, key)
        stats = self._limiter.get_window_stats(self.rate, self._namespace, key)
        reset = max(0, int(stats.reset_time - time.time()) + (0 if allowed else 1))
        return RateState(allowed, self.rate.amount, max(0, stats.remaining), max(reset, 0 if allowed else 1),
                         self.rate.get_expiry())
