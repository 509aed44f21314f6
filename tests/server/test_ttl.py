"""The short-lived caches of the server: one computation per key however many threads ask at once,
nothing kept from a computation that raised, and the in-memory rate limit's moving window."""

from __future__ import annotations

import threading
import time

import pytest

from secplan.web.ratelimit import RateLimiter, open_storage
from secplan.web.ttl import TtlCache


def test_waiting_threads_share_one_computation() -> None:
    cache: TtlCache[int] = TtlCache(60)
    calls, release = [], threading.Event()

    def compute() -> int:
        calls.append(1)
        release.wait(10)
        return 42

    answers: list[int] = []
    threads = [threading.Thread(target=lambda: answers.append(cache.get("k", compute))) for _ in range(20)]
    for t in threads:
        t.start()
    time.sleep(0.2)  # let every thread reach the key's lock
    release.set()
    for t in threads:
        t.join(10)
    assert answers == [42] * 20 and len(calls) == 1
    assert cache.peek("k") == 42 and cache.peek("other") is None


def test_a_failed_computation_is_not_kept_and_a_zero_lifetime_is_not_kept() -> None:
    cache: TtlCache[str] = TtlCache(60)

    def fail() -> str:
        raise ValueError("store unreachable")

    with pytest.raises(ValueError):
        cache.get("k", fail)
    assert cache.get("k", lambda: "fresh") == "fresh"
    assert cache.get("clock", lambda: "now", lambda _: 0.0) == "now"
    assert cache.peek("clock") is None
    cache.clear()
    assert cache.peek("k") is None


def test_the_memory_rate_limit_counts_a_moving_window_per_client() -> None:
    limiter = RateLimiter("3/minute", open_storage(None))
    states = [limiter.hit("a") for _ in range(4)]
    assert [s.allowed for s in states] == [True, True, True, False]
    assert [s.remaining for s in states[:3]] == [2, 1, 0]
    assert states[3].reset >= 1 and states[3].limit == 3 and states[3].window == 60
    assert limiter.hit("b").allowed  # another client counts alone
