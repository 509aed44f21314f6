"""Per-client rate limits and query budgets with the ``limits`` package.

The rate is the shared moving-window limiter of ``secplan.web.ratelimit``; the budget counts rows
per day in a fixed window. Storage is in memory for one worker and Redis when several workers
(or several gateways) must share one count per client.
"""

from __future__ import annotations

from dataclasses import dataclass


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
        from limits.strategies import FixedWindowRateLimiter

        from secplan.web.ratelimit import RateLimiter, open_storage

        self.storage = open_storage(storage_url)
        self._rate = RateLimiter(rate, self.storage)
        self.rate = self._rate.rate
        self.budget = parse(f"{budget}/day") if budget > 0 else None
        self.budget_limit = budget
        self._budget = FixedWindowRateLimiter(self.storage)

    def check(self, client: str, rows: int) -> Verdict:
        """Count one request of ``rows`` rows for ``client``; refused when over its rate or budget."""
        state = self._rate.hit(client)
        if not state.allowed:
            return Verdict(False, f"rate limit {self.rate} exceeded", state.reset)
        if self.budget is None:
            return Verdict(True)
        if not self._budget.hit(self.budget, "secplan-budget", client, cost=max(rows, 1)):
            return Verdict(False, f"daily query budget of {self.budget_limit} rows spent", 3600,
                           self.budget_limit, self.budget_limit)
        left = self._budget.get_window_stats(self.budget, "secplan-budget", client).remaining
        return Verdict(True, budget_used=self.budget_limit - left, budget_limit=self.budget_limit)
