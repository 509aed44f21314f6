"""Regulatory reporting clocks for serious incidents: EU AI Act Art. 73.

Providers of high-risk AI systems report a serious incident no later than 15 days after becoming
aware of it; 10 days where it led to a death; 2 days for a widespread infringement or a serious
disruption of critical infrastructure.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

ART73_DAYS = {"serious": 15, "death": 10, "widespread": 2}


@dataclass(frozen=True)
class Clock:
    deadline: dt.datetime
    state: str
    """``due`` (time left), ``overdue``, ``reported`` (on time) or ``late`` (reported after the deadline)."""
    days_left: float

    def to_dict(self) -> dict[str, object]:
        return {"regulation": "EU AI Act Art. 73", "deadline": self.deadline.isoformat(), "state": self.state,
                "days_left": round(self.days_left, 1)}


def art73_clock(serious: str | None, aware_at: dt.datetime, reported_at: dt.datetime | None,
                now: dt.datetime) -> Clock | None:
    """The clock of an incident, or None when it is not a serious incident under Art. 73."""
    if not serious:
        return None
    deadline = aware_at + dt.timedelta(days=ART73_DAYS[serious])
    left = (deadline - now).total_seconds() / 86400
    if reported_at is not None:
        return Clock(deadline, "reported" if reported_at <= deadline else "late", left)
    return Clock(deadline, "overdue" if now > deadline else "due", left)
