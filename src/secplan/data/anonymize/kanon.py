"""k-anonymity and l-diversity over quasi-identifiers, reached by generalisation then suppression.

The search is Datafly-style and vectorised: compute every row's equivalence-class size with one
group-by over factorised quasi-identifier codes; while more rows than ``max_suppression`` allows sit
in classes smaller than ``k`` (or with fewer than ``l`` distinct sensitive values), coarsen the
quasi-identifier with the most distinct values by one level; then suppress the rows still at risk.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from secplan.data.anonymize.operators import generalize, max_level
from secplan.data.anonymize.policy import AnonymisationPolicy, Generalize
from secplan.errors import InputError

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd


@dataclass
class KAnonResult:
    levels: dict[str, int]
    """Generalisation level reached per quasi-identifier (0 = the policy's own setting)."""
    keep: np.ndarray
    """Boolean mask of rows released (the others are suppressed)."""
    columns: dict[str, pd.Series] = field(default_factory=dict)
    """The generalised quasi-identifier columns, full length (suppressed rows included)."""


def class_sizes(qi: pd.DataFrame) -> np.ndarray:
    """Size of each row's equivalence class over the columns of ``qi`` (nulls are a value)."""
    import numpy as np

    if qi.shape[1] == 0:
        return np.full(len(qi), len(qi))
    ids, sizes = _group_codes(qi)
    return sizes[ids]


def _group_codes(qi: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """(class id per row, size per class id) via factorised codes combined into one key."""
    import numpy as np
    import pandas as pd

    key = np.zeros(len(qi), dtype=np.int64)
    for name in qi.columns:
        codes, uniques = pd.factorize(qi[name], use_na_sentinel=False)
        key = key * (len(uniques) + 1) + codes
        key, _ = pd.factorize(key)  # keep the combined key small: no overflow with many columns
    ids, _ = pd.factorize(key)
    return ids, np.bincount(ids)


def diversity(qi: pd.DataFrame, sensitive: pd.Series) -> np.ndarray:
    """Distinct sensitive values in each row's equivalence class (distinct l-diversity)."""
    import numpy as np
    import pandas as pd

    ids, _ = _group_codes(qi)
    svals, _ = pd.factorize(sensitive, use_na_sentinel=False)
    pairs = pd.DataFrame({"c": ids, "s": svals}).drop_duplicates()
    per_class = np.bincount(pairs["c"].to_numpy(), minlength=ids.max() + 1 if len(ids) else 0)
    return per_class[ids]


def at_risk(qi: pd.DataFrame, sensitive: pd.DataFrame, k: int, l: int) -> np.ndarray:  # noqa: E741
    """Rows whose class is smaller than ``k`` or has fewer than ``l`` distinct values of any sensitive column."""
    ids, sizes = _group_codes(qi)
    risky = sizes[ids] < k
    if l > 1:
        for name in sensitive.columns:
            risky |= diversity(qi, sensitive[name]) < l
    return risky


def reach(df: pd.DataFrame, policy: AnonymisationPolicy) -> KAnonResult:
    """Choose generalisation levels and the rows to suppress so that the output is k-anonymous and l-diverse."""
    import numpy as np

    rules: dict[str, Generalize | None] = {
        q: rule if isinstance(rule := policy.columns.get(q), Generalize) else None for q in policy.quasi_identifiers
    }
    levels = dict.fromkeys(rules, 0)
    cache: dict[tuple[str, int], pd.Series] = {}

    def column(name: str) -> pd.Series:
        slot = (name, levels[name])
        if slot not in cache:
            cache[slot] = generalize(df[name], rules[name], levels[name])
        return cache[slot]

    sensitive = df[policy.sensitive]
    budget = int(np.floor(policy.max_suppression * len(df)))
    while True:
        qi = df[[]].assign(**{name: column(name) for name in rules})
        risky = at_risk(qi, sensitive, policy.k, policy.l)
        if int(risky.sum()) <= budget:
            return KAnonResult(levels, ~risky, {name: column(name) for name in rules})
        candidates = [q for q in rules if levels[q] < max_level(rules[q])]
        if not candidates:
            raise InputError(
                f"cannot reach k={policy.k}, l={policy.l}: even with every quasi-identifier fully generalised, "
                f"{int(risky.sum())} of {len(df)} rows would need suppression (allowed: {budget})"
            )
        widest = max(candidates, key=lambda q: (qi[q].nunique(dropna=False), q))
        levels[widest] += 1
