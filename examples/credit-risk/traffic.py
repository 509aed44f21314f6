"""Traffic for the example's gateway run: a benign client scoring held-out applications, then a
scraper drawing queries from published per-feature statistics to copy the model (extraction).

Usage: BENIGN_TOKEN=... SCRAPER_TOKEN=... python traffic.py URL MODEL
(tokens from the environment: an argument would show them in the process list)
Prints how many answers each client got; the gateway's monitor decides what to alert on.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import httpx
import numpy as np
import pandas as pd

HERE = Path(__file__).resolve().parent
FEATURES = ["age", "annual_income", "loan_amount", "loan_term_months", "credit_history_years",
            "open_credit_lines", "delinquencies", "branch"]
BATCH = 10


def v2_body(frame: pd.DataFrame) -> dict:
    return {"inputs": [{"name": c, "shape": [len(frame)], "datatype": "FP64" if frame[c].dtype.kind == "f" else "INT64",
                        "data": frame[c].tolist()} for c in frame.columns]}


def send(client: httpx.Client, model: str, token: str, frame: pd.DataFrame) -> int:
    answered = 0
    for start in range(0, len(frame), BATCH):
        reply = client.post(f"/v2/models/{model}/infer", json=v2_body(frame.iloc[start:start + BATCH]),
                            headers={"Authorization": f"Bearer {token}"})
        if reply.status_code != 200:
            print(f"  refused with {reply.status_code}: {reply.json().get('error')}")
            break
        answered += len(reply.json()["outputs"][0]["data"])
    return answered


def profile_draws(train: pd.DataFrame, n: int, seed: int) -> pd.DataFrame:
    """Each feature drawn on its own from the training data's deciles: what an outsider can publish."""
    rng = np.random.default_rng(seed)
    out = {}
    for name in FEATURES:
        grid = np.quantile(train[name], np.linspace(0, 1, 11))
        values = np.interp(rng.uniform(0.01, 0.99, n), np.linspace(0, 1, 11), grid)
        out[name] = np.round(values).astype(int) if train[name].dtype.kind == "i" else values
    return pd.DataFrame(out)


def main() -> int:
    url, model = sys.argv[1:3]
    benign, scraper = os.environ["BENIGN_TOKEN"], os.environ["SCRAPER_TOKEN"]
    train = pd.read_csv(HERE / "data" / "eval" / "train.csv")
    held_out = pd.read_csv(HERE / "data" / "eval" / "test.csv")[FEATURES].head(300)
    with httpx.Client(base_url=url, timeout=30) as client:
        print(f"benign client: {send(client, model, benign, held_out)} answers")
        print(f"scraper: {send(client, model, scraper, profile_draws(train, 500, seed=5))} answers")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
