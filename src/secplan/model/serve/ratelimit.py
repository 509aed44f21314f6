"""Per-client rate limits and query budgets with the ``limits`` package.

The rate is a moving window (no burst of twice the rate at a window edge); the budget counts rows
per day in a fixed window. Storage is in memory for one worker and Redis when several workers
(or several gateways) must share one count per client.
"""

from __future__ import annotations

from dataclasses import dataclass

from secplan.errors import InputError


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    reason: str = ""
    retry_after: int = 0
    budget_used: int = 0
    budget_limit: int = 0


class Limiter:
    def __init__(self, rate: str, budget: int, storage_url: str | None = None) -> None:
        from limits import parse
        from limits.storage import storage_from_string
        from limits.strategies import FixedWindowRateLimiter, MovingWindowRateLimiter

        try:
            self.rate = parse(rate)
        except ValueError:
            raise InputError(f"--rate {rate!r}: give N/second, N/minute or N/hour (for example 100/second)") from None
        self.budget = parse(f"{budget}/day") if budget > 0 else None
        self.budget_limit = budget
        try:
            storage = storage_from_string(storage_url or "memory://")
        except Exception as exc:  # the limits package raises its own errors for bad URLs
            raise InputError(f"--redis {storage_url!r}: {exc}") from None
        self._rate = MovingWindowRateLimiter(storage)
        self._budget = FixedWindowRateLimiter(storage)
        self.storage = storage

    def check(self, client: str, rows: int) -> Verdict:
        """Count one request of ``rows`` rows for ``client``; refused when over its rate or budget."""
        if not self._rate.hit(self.rate, "secplan-rate", client):
            reset = self._rate.get_window_stats(self.rate, "secplan-rate", client).reset_time
            import time

            return Verdict(False, f"rate limit {self.rate} exceeded", max(1, int(reset - time.time()) + 1))
        if self.budget is None:
            return Verdict(True)
        if not self._budget.hit(self.budget, "secplan-budget", client, cost=max(rows, 1)):
            return Verdict(False, f"daily query budget of {self.budget_limit} rows spent", 3600,
                           self.budget_limit, self.budget_limit)
        left = self._budget.get_window_stats(self.budget, "secplan-budget", client).remaining
        return Verdict(True, budget_used=self.budget_limit - left, budget_limit=self.budget_limit)
