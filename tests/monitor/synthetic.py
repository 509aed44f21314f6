"""Synthetic traffic for the monitor tests: a correlated tabular dataset, its profile, a model,
and the query streams of benign clients and of attackers."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from secplan.data.validate.profile import Profile, build_profile

FEATURES = ["income", "debt", "age", "tenure", "balance", "utilisation"]


def make_frame(n: int, seed: int) -> pd.DataFrame:
    """Six numeric features driven by two latent factors (as real credit data is), a region
    category and a label that depends on the factors."""
    rng = np.random.default_rng(seed)
    wealth, stress = rng.standard_normal(n), rng.standard_normal(n)
    noise = 0.35 * rng.standard_normal((n, 6))
    frame = pd.DataFrame({
        "income": np.exp(10 + 0.4 * (wealth + noise[:, 0])),
        "debt": 5000 + 3000 * (0.7 * stress - 0.3 * wealth + noise[:, 1]),
        "age": np.clip(40 + 9 * (0.6 * wealth + noise[:, 2]), 18, 90).round(),
        "tenure": 6 + 3 * (0.5 * wealth + 0.3 * stress + noise[:, 3]),
        "balance": 2000 + 1500 * (0.8 * wealth - 0.2 * stress + noise[:, 4]),
        "utilisation": 1 / (1 + np.exp(-(1.2 * stress - 0.4 * wealth + noise[:, 5]))),
    })
    frame["region"] = rng.choice(["north", "south", "east", "west"], size=n, p=[0.4, 0.3, 0.2, 0.1])
    frame["label"] = ((stress - 0.5 * wealth + 0.3 * rng.standard_normal(n)) > 0.3).astype(int)
    return frame


@dataclass
class World:
    train: pd.DataFrame
    held_out: pd.DataFrame
    profile: Profile
    model: object

    def predict(self, frame: pd.DataFrame) -> np.ndarray:
        return self.model.predict(frame[FEATURES].to_numpy(dtype="float64"))


def make_world(seed: int = 7) -> World:
    from sklearn.ensemble import GradientBoostingClassifier

    train, held_out = make_frame(4000, seed), make_frame(3000, seed + 1)
    model = GradientBoostingClassifier(n_estimators=60, max_depth=3, random_state=0)
    model.fit(train[FEATURES].to_numpy(), train["label"].to_numpy())
    return World(train, held_out, build_profile(train, "train.csv", label="label"), model)


def rows_of(frame: pd.DataFrame) -> list[dict]:
    return frame.drop(columns=["label"], errors="ignore").to_dict("records")


def marginal_queries(profile: Profile, n: int, seed: int) -> pd.DataFrame:
    """What an extraction attacker can draw from published statistics: each feature independently
    from its training quantiles, each category from its shares."""
    rng = np.random.default_rng(seed)
    data = {}
    for name in FEATURES:
        grid = np.asarray(profile.columns[name].quantiles)
        data[name] = np.interp(rng.uniform(0, 1, n), np.linspace(0, 1, len(grid)), grid)
    cats = profile.columns["region"].categories
    data["region"] = rng.choice(list(cats), size=n, p=np.asarray(list(cats.values())) / sum(cats.values()))
    return pd.DataFrame(data)
