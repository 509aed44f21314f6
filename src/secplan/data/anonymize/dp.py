"""Differentially private aggregates with IBM's diffprivlib, within a per-dataset epsilon budget.

diffprivlib 0.6.6 (the newest release) fails to import as a whole with scikit-learn >= 1.8 because
its ``models`` subpackage imports a removed private symbol. The mechanisms and tools used here do not
depend on it, so :func:`_diffprivlib` loads them without executing the package's ``__init__``
when the normal import fails for that reason.
"""

from __future__ import annotations

import importlib
import importlib.util
import secrets
import sys
import types
from typing import TYPE_CHECKING, Any

from secplan.data.anonymize.policy import Aggregate

if TYPE_CHECKING:
    import pandas as pd


def _diffprivlib() -> tuple[Any, Any]:
    """(diffprivlib.tools, diffprivlib.mechanisms)."""
    try:
        import diffprivlib  # noqa: F401
    except ImportError as exc:
        if "diffprivlib" not in sys.modules and "sklearn" not in str(exc):
            raise
        sys.modules.pop("diffprivlib", None)
        spec = importlib.util.find_spec("diffprivlib")
        if spec is None or not spec.submodule_search_locations:
            raise
        shell = types.ModuleType("diffprivlib")
        shell.__path__ = list(spec.submodule_search_locations)
        sys.modules["diffprivlib"] = shell
    return importlib.import_module("diffprivlib.tools"), importlib.import_module("diffprivlib.mechanisms")


def release(df: pd.DataFrame, aggregates: list[Aggregate]) -> list[dict[str, Any]]:
    """Compute every aggregate with noise calibrated to its epsilon. Nulls are dropped first.

    The noise source is seeded from the operating system's CSPRNG for each release.
    """
    import numpy as np
    import pandas as pd

    tools, mechanisms = _diffprivlib()
    rng = np.random.RandomState(np.random.MT19937(np.random.SeedSequence(secrets.randbits(128))))
    out: list[dict[str, Any]] = []
    for agg in aggregates:
        col = df[agg.column].dropna()
        entry: dict[str, Any] = {"name": agg.name, "column": agg.column, "stat": agg.stat, "epsilon": agg.epsilon}
        if agg.stat == "counts":
            counts = col.astype("string").value_counts()
            mech = mechanisms.Geometric(epsilon=agg.epsilon, sensitivity=1, random_state=rng)
            # Disjoint categories: parallel composition, one epsilon for the whole table.
            entry["value"] = {c: max(0, int(mech.randomise(int(counts.get(c, 0))))) for c in agg.categories or []}
        elif agg.stat == "count":
            mech = mechanisms.Geometric(epsilon=agg.epsilon, sensitivity=1, random_state=rng)
            entry["value"] = max(0, int(mech.randomise(len(col))))
        else:
            values = pd.to_numeric(col, errors="coerce").dropna().to_numpy(dtype="float64")
            low, high = agg.bounds  # type: ignore[misc]
            values = np.clip(values, low, high)
            if agg.stat == "histogram":
                hist, edges = tools.histogram(values, epsilon=agg.epsilon, bins=agg.bins, range=(low, high),
                                              random_state=rng)
                entry["value"] = {"counts": [max(0, round(float(h))) for h in hist], "edges": [float(e) for e in edges]}
            else:
                func = getattr(tools, agg.stat)
                entry["value"] = float(func(values, epsilon=agg.epsilon, bounds=(low, high), random_state=rng))
        out.append(entry)
    return out
