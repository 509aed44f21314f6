"""One evaluation: read the data, query the model through a Predictor, run the chosen suites.

The result follows the contract of ``secplan model evaluate --format json`` (see
docs/model-evaluation.md): ``model``, ``digest``, ``suites`` with the suites that ran, each with
``passed`` (null where no threshold applies) and its ``checks`` against the plan's thresholds.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from secplan.errors import InputError
from secplan.model.evaluate import explain, fairness, privacy, quality, robustness
from secplan.model.evaluate.context import Context
from secplan.model.worker.interface import Predictor

SUITES: dict[str, Callable[[Context], dict[str, Any]]] = {
    "quality": quality.run, "robustness": robustness.run, "privacy": privacy.run,
    "fairness": fairness.run, "explain": explain.run}
"""Suite name -> its runner, in the order they run."""
DEFAULT_BUDGET = 5000
MAX_ROWS = 200_000
"""Rows of a dataset an evaluation reads (a sample spread through the file beyond that)."""


def read_table(path: Path, what: str) -> pd.DataFrame:
    """A dataset through the project's readers (Parquet, CSV, JSON Lines)."""
    import pyarrow as pa

    from secplan.data.io import open_dataset

    dataset = open_dataset(path)
    if str(dataset.format) == "text":
        raise InputError(f"{what} {path}: not a table (give Parquet, CSV or JSON Lines)")
    rows = dataset.num_rows
    batches = list(dataset.iter_batches(sample_rows=MAX_ROWS if rows is None or rows > MAX_ROWS else None))
    if not batches:
        raise InputError(f"{what} {path}: no rows")
    frame = pa.Table.from_batches(batches).to_pandas()
    if len(frame) > MAX_ROWS:
        frame = frame.iloc[:MAX_ROWS]
    if frame.empty:
        raise InputError(f"{what} {path}: no rows")
    return frame


def thresholds(policy: Any | None) -> dict[str, Any]:
    from secplan.plan.model import EvaluationPolicy

    return (policy or EvaluationPolicy()).model_dump()


def _split(frame: pd.DataFrame, target: str, sensitive: Sequence[str], features: list[str] | None,
           where: str) -> tuple[pd.DataFrame, np.ndarray, pd.DataFrame]:
    missing = [c for c in [target, *sensitive] if c not in frame.columns]
    if missing:
        raise InputError(f"{where}: no column {', '.join(map(repr, missing))} (columns: "
                         f"{', '.join(map(str, frame.columns[:20]))})")
    if features is None:
        features = [c for c in frame.columns if c != target and c not in sensitive]
    absent = [f for f in features if f not in frame.columns]
    if absent:
        raise InputError(f"{where}: the model reads {', '.join(map(repr, absent))}, which the data lacks")
    frame = frame[frame[target].notna()]
    return frame[features].reset_index(drop=True), frame[target].to_numpy(), \
        frame[list(sensitive)].reset_index(drop=True)


def _task(model: Predictor, y: np.ndarray) -> str:
    if model.info.format != "endpoint":
        return model.info.task
    numeric = np.asarray(y).dtype.kind in "fiu"
    return "regression" if numeric and len(np.unique(y)) > 20 else "classification"


def evaluate(model: Predictor, *, ref: str, digest: str | None, data: Path, target: str, train: Path | None = None,
             sensitive: Sequence[str] = (), suites: Sequence[str] = tuple(SUITES), budget: int = DEFAULT_BUDGET,
             seed: int = 0, policy: Any | None = None, features: list[str] | None = None,
             progress: Callable[[str], None] | None = None) -> dict[str, Any]:
    """Run ``suites`` against ``model`` on the test data (and training data for membership inference)."""
    unknown = [s for s in suites if s not in SUITES]
    if unknown:
        raise InputError(f"unknown suite {', '.join(unknown)} (choose from all, {', '.join(SUITES)})")
    if budget < 1:
        raise InputError("--budget must be at least 1 query")
    features = features or model.info.features
    test, y_test, sens = _split(read_table(data, "--data"), target, sensitive, features, f"--data {data}")
    x_train = y_train = None
    if train is not None:
        x_train, y_train, _ = _split(read_table(train, "--train"), target, (), list(test.columns), f"--train {train}")
    task = _task(model, y_test)
    classes = model.info.classes or (sorted(np.unique(y_test).tolist()) if task == "classification" else [])
    ctx = Context(model=model, test=test, y_test=y_test, train=x_train, y_train=y_train, sensitive=sens,
                  thresholds=thresholds(policy), rng=np.random.default_rng(seed), budget=budget, task=task,
                  classes=list(classes), progress=progress or (lambda _step: None))
    started = dt.datetime.now(dt.UTC)
    results = {name: SUITES[name](ctx) for name in SUITES if name in suites}
    verdicts = [r.get("passed") for r in results.values()]
    passed = None if all(v is None for v in verdicts) else all(v is not False for v in verdicts)
    return {"model": ref, "digest": digest, "passed": passed, "suites": results,
            "data": {"test": str(data), "train": str(train) if train else None, "rows": len(test),
                     "features": list(test.columns), "target": target, "sensitive": list(sensitive),
                     "task": task},
            "model_info": model.info.to_dict(), "queries": int(model.queries), "seed": seed, "budget": budget,
            "thresholds": ctx.thresholds, "started": started.isoformat(),
            "seconds": round((dt.datetime.now(dt.UTC) - started).total_seconds(), 2)}
