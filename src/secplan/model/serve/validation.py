"""Input validation from the training profile (MS-2): names, types, ranges, categories, missing
values, NaN/inf. The first problem of a request names its row and field; the policy decides
whether it is refused (422) or served and flagged.

Ranges are the training range widened by ``RANGE_MARGIN`` of its width on each side: held-out
rows of the same distribution fall a little past the training extremes, and refusing them would
make the guard a source of outages. What lies beyond is no value the model has learnt about.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from secplan.data.validate.profile import ColumnProfile, Profile

RANGE_MARGIN = 0.25


@dataclass(frozen=True)
class Problem:
    row: int
    field: str
    reason: str

    @property
    def message(self) -> str:
        return f"row {self.row}, field {self.field!r}: {self.reason}"


@dataclass(frozen=True)
class _Rule:
    name: str
    kind: str
    """``number``, ``boolean`` or ``category``."""
    nullable: bool
    low: float | None
    high: float | None
    categories: frozenset[str] | None


def _rule(name: str, col: ColumnProfile) -> _Rule:
    nullable = col.null_rate > 0
    if col.type == "boolean":
        return _Rule(name, "boolean", nullable, None, None, None)
    if col.type in ("integer", "float"):
        low = high = None
        if col.min is not None and col.max is not None:
            margin = RANGE_MARGIN * (col.max - col.min) or RANGE_MARGIN * max(abs(col.max), 1.0)
            low, high = col.min - margin, col.max + margin
        return _Rule(name, "number", nullable, low, high, None)
    cats = frozenset(col.categories) if col.categories else None
    return _Rule(name, "category", nullable, None, None, cats)


class Validator:
    """The rules of one served model's inputs, built once from its profile."""

    def __init__(self, profile: Profile, features: Sequence[str]) -> None:
        self.features = tuple(features)
        self.rules = {n: _rule(n, profile.columns[n]) for n in features}

    def check(self, rows: Sequence[Mapping[str, Any]], limit: int = 1) -> list[Problem]:
        """Problems of ``rows``, at most ``limit`` (the first one is what a refusal reports)."""
        found: list[Problem] = []
        expected = set(self.features)
        for i, row in enumerate(rows):
            extra = [k for k in row if k not in expected]
            if extra:
                found.append(Problem(i, str(extra[0]), "not an input of the model (inputs: "
                                     + ", ".join(self.features) + ")"))
            for name, rule in self.rules.items():
                reason = self._value(rule, row.get(name), name in row)
                if reason is not None:
                    found.append(Problem(i, name, reason))
            if len(found) >= limit:
                return found[:limit]
        return found

    @staticmethod
    def _value(rule: _Rule, value: Any, present: bool) -> str | None:
        if value is None:
            if rule.nullable:
                return None
            return "missing" if not present else "null, and the training data has no missing values"
        if rule.kind == "number":
            if isinstance(value, bool) or not isinstance(value, int | float):
                return f"expected a number, got {type(value).__name__}"
            if not math.isfinite(value):
                return f"{value} is not a finite number"
            if rule.low is not None and not rule.low <= value <= rule.high:  # type: ignore[operator]
                return f"{value:g} is outside the training range [{rule.low:g}, {rule.high:g}]"
            return None
        if rule.kind == "boolean":
            return None if isinstance(value, bool) or value in (0, 1) else f"expected a boolean, got {value!r}"
        if rule.categories is not None:
            from secplan.model.monitor.space import category_key

            if category_key(value) not in rule.categories:
                shown = ", ".join(sorted(rule.categories)[:10])
                return f"{str(value)[:40]!r} is not a category of the training data ({shown})"
        return None
