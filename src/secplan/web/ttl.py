"""Answers a process keeps for a short time, each computed once however many requests ask at once.

Under load, a cache that expires for everyone at the same instant sends every waiting request to
the database at once (fifty clients, fifty identical queries, a queue on the store's connections).
Here the first request to find an entry missing or expired computes it under that key's lock; the
others wait for it and take its answer. A computation that raises is not kept: the next request
tries again.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

V = TypeVar("V")


class TtlCache(Generic[V]):
    def __init__(self, ttl: float, max_entries: int = 10_000) -> None:
        self.ttl, self.max_entries = ttl, max_entries
        self._entries: dict[Hashable, tuple[float, V]] = {}
        self._locks: dict[Hashable, threading.Lock] = {}
        self._lock = threading.Lock()

    def peek(self, key: Hashable) -> V | None:
        """The kept answer for ``key`` if it is still fresh; never waits or computes (for an event
        loop, which must not block on another thread's computation)."""
        hit = self._entries.get(key)
        return hit[1] if hit is not None and time.monotonic() < hit[0] else None

    def get(self, key: Hashable, compute: Callable[[], V], lifetime: Callable[[V], float] | None = None) -> V:
        """The kept answer for ``key``, or ``compute()`` kept for ``ttl`` seconds (or for
        ``lifetime(answer)`` seconds, if shorter) from the moment it was started."""
        hit = self._entries.get(key)
        if hit is not None and time.monotonic() < hit[0]:
            return hit[1]
        with self._lock:
            key_lock = self._locks.setdefault(key, threading.Lock())
        with key_lock:
            hit = self._entries.get(key)
            if hit is not None and time.monotonic() < hit[0]:
                return hit[1]
            started = time.monotonic()
            value = compute()
            keep = self.ttl if lifetime is None else min(self.ttl, lifetime(value))
            with self._lock:
                if len(self._entries) >= self.max_entries:
                    self._entries.clear()
                    self._locks = {key: key_lock}
                if keep > 0:
                    self._entries[key] = (started + keep, value)
        return value

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
