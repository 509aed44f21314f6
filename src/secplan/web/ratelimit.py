"""Per-client request rates with the ``limits`` package: a moving window, so that no burst of twice
the rate slips through at a window's edge. Storage is in memory for one process and Redis when
several processes (workers, replicas) must share one count per client."""

from __future__ import annotations

import threading
import time
from collections import deque
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


#: How often the in-memory storage drops expired windows (seconds).
SWEEP_EVERY_S = 1.0


def _memory_storage() -> Any:
    """``limits``' in-memory storage, sweeping expired windows inline at most once a second.

    Its own sweep starts a 10 ms timer thread whenever none is running, which on a busy server means
    a new thread for nearly every request (measured at a tenth of a millisecond each, plus the GIL
    handovers). Counts do not depend on the sweep: every check reads only live entries; the sweep
    only frees memory, so doing it once a second changes no decision."""
    from limits.storage import MemoryStorage

    class SweptMemoryStorage(MemoryStorage):
        STORAGE_SCHEME = ["secplan-memory"]  # its own scheme: memory:// stays limits' class

        def __init__(self) -> None:
            self._swept = time.monotonic()
            super().__init__()

        def _MemoryStorage__schedule_expiry(self) -> None:  # replaces the timer (name-mangled in limits)
            now = time.monotonic()
            if now - self._swept >= SWEEP_EVERY_S:
                self._swept = now
                self._MemoryStorage__expire_events()  # type: ignore[attr-defined]

    return SweptMemoryStorage()


def open_storage(url: str | None, option: str = "--redis") -> Any:
    """A ``limits`` storage: in memory by default, or the given ``redis://`` URL."""
    from limits.storage import storage_from_string

    if not url or url == "memory://":
        return _memory_storage()
    try:
        return storage_from_string(url)
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
        self._local = _LocalWindow(self.rate.amount, self.rate.get_expiry()) if _in_memory(storage) else None

    def hit(self, key: str) -> RateState:
        """Count one request for ``key``."""
        if self._local is not None:
            allowed, remaining, reset = self._local.hit(key)
            reset += 0 if allowed else 1
            return RateState(allowed, self.rate.amount, remaining, reset,
                             self.rate.get_expiry())
        allowed = self._limiter.hit(self.rate, self._namespace, key)
        stats = self._limiter.get_window_stats(self.rate, self._namespace, key)
        reset = max(0, int(stats.reset_time - time.time()) + (0 if allowed else 1))
        return RateState(allowed, self.rate.amount, max(0, stats.remaining), max(reset, 0 if allowed else 1),
                         self.rate.get_expiry())


def _in_memory(storage: Any) -> bool:
    from limits.storage import MemoryStorage

    return isinstance(storage, MemoryStorage)


class _LocalWindow:
    """The moving window of ``limits`` for a count kept in this process's memory: the same decisions
    and headers from one look-up under one lock (the storage takes two, a hit and its window's
    stats), each O(1) however high the rate. The storage still counts what else uses it (the
    gateway's daily budget, a fixed window)."""

    def __init__(self, amount: int, seconds: int) -> None:
        self.amount, self.seconds = amount, seconds
        self._events: dict[str, deque[float]] = {}
        self._lock = threading.Lock()
        self._hits = 0

    def hit(self, key: str) -> tuple[bool, int, int]:
        """(allowed, remaining, seconds until the window frees a request) after one request."""
        now = time.time()
        start = now - self.seconds
        with self._lock:
            self._hits += 1
            if self._hits % 10_000 == 0:
                self._prune(start)
            events = self._events.setdefault(key, deque())
            while events and events[0] <= start:
                events.popleft()
            allowed = len(events) < self.amount
            if allowed:
                events.append(now)
            oldest = events[0] if events else now
        return allowed, self.amount - len(events), max(0, int(oldest + self.seconds - now))

    def _prune(self, start: float) -> None:
        for key in [k for k, events in self._events.items() if not events or events[-1] <= start]:
            del self._events[key]
