"""Shared by bench_anonymize.py and bench_validate.py: synthetic data and running the competitor.

The competitors live in their own virtual environment (``.bench/dq-venv``: anonypy, pycanon,
ydata-profiling) because their pins (numpy < 2.1, typing-extensions 4.15) conflict with secplan's.
Each is timed inside its own process, after its imports, on the same Parquet file secplan reads.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
BENCH_VENV = Path(os.environ.get("SECPLAN_DQ_BENCH_VENV", ROOT / ".bench" / "dq-venv"))
SETUP = ("python3.11 -m venv .bench/dq-venv && "
         ".bench/dq-venv/bin/pip install anonypy==0.2.1 pycanon==1.3.6 ydata-profiling==4.18.4 pyarrow")


def people(rows: int, seed: int = 0) -> pd.DataFrame:
    """Identifiers, quasi-identifiers (age, zip, sex), a sensitive attribute and numbers; vectorised."""
    rng = np.random.default_rng(seed)
    first = np.array(["Anna", "Ben", "Chloé", "Dev", "Emil", "Fatima", "Georg", "Hana", "Ivan", "Jing"])
    last = np.array(["Schmidt", "Martin", "Smith", "Novak", "Rossi", "Kowalski", "García", "Nguyen"])
    ids = np.arange(rows)
    return pd.DataFrame({
        "name": pd.Series(first[rng.integers(0, len(first), rows)]) + " " + pd.Series(last[rng.integers(0, len(last), rows)]),
        "email": pd.Series(ids).map("user{}@example.com".format),
        "card": pd.Series(rng.integers(4_000_000_000_000_000, 4_999_999_999_999_999, rows)).astype(str),
        "age": rng.integers(18, 90, rows),
        "zip": rng.integers(10_000, 99_999, rows),
        "sex": rng.choice(["F", "M"], rows),
        "diagnosis": rng.choice(["asthma", "diabetes", "flu", "migraine", "none"], rows),
        "income": rng.normal(48_000, 14_000, rows).round(),
        "visits": rng.poisson(4, rows),
        "plan": rng.choice(["basic", "plus", "pro"], rows, p=[0.5, 0.3, 0.2]),
    })


def run_competitor(code: str, *args: str, timeout: int = 900) -> dict:
    """Run ``code`` with the competitor venv's Python; it prints one JSON line with its timings."""
    python = BENCH_VENV / "bin" / "python"
    if not python.exists():
        sys.exit(f"competitor venv missing: {BENCH_VENV}\ncreate it with: {SETUP}")
    done = subprocess.run([str(python), "-c", code, *args], capture_output=True, text=True, timeout=timeout,
                          check=False)
    if done.returncode != 0:
        sys.exit(f"competitor failed:\n{done.stderr[-2000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])
