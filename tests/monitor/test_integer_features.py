"""Integer features (ages, counts, terms, branch codes, whole-currency amounts): the query-pattern
detectors see an extraction drawn from published per-feature statistics, and stay quiet on the
model's own held-out traffic. Discrete values tie in the training quantiles and small integer codes
are categories in the profile; both used to hide the attack."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from secplan.data.validate.profile import Profile, build_profile
from secplan.model.monitor.detect import Monitor
from secplan.model.monitor.space import FeatureSpace

INTEGER_FEATURES = ["age", "income", "term_months", "history_years", "open_lines", "delinquencies", "branch"]


def integer_frame(n: int, seed: int) -> pd.DataFrame:
    """Whole numbers only, of the kinds credit data has: wide (income), medium (age, history, tied
    to age), and small codes and counts the profile keeps as categories (term, lines, delinquencies,
    branch). The label depends on several of them."""
    rng = np.random.default_rng(seed)
    age = rng.integers(19, 81, n)
    history = np.clip(np.round(age / 3 + rng.normal(0, 3, n)), 0, age - 18).astype(int)
    income = np.round(np.exp(10.6 + 0.01 * (age - 40) + rng.normal(0, 0.45, n))).astype(int)
    term = rng.choice([12, 24, 36, 48, 60], n)
    lines = rng.integers(0, 16, n)
    delinquencies = rng.choice([0, 1, 2, 3, 5], n, p=[0.7, 0.15, 0.08, 0.05, 0.02])
    branch = rng.integers(1, 9, n)
    risk = 0.5 * delinquencies - 0.05 * history + term / 60 - (income / 60000) + 0.2 * (branch <= 4)
    label = (risk + rng.normal(0, 0.4, n) > 0.3).astype(int)
    return pd.DataFrame({"age": age, "income": income, "term_months": term, "history_years": history,
                         "open_lines": lines, "delinquencies": delinquencies, "branch": branch, "label": label})


def decile_draws(train: pd.DataFrame, n: int, seed: int) -> pd.DataFrame:
    """Each feature on its own from the training deciles, rounded to whole numbers: what an outsider
    can publish and sample (the example's scraper does exactly this)."""
    rng = np.random.default_rng(seed)
    out = {}
    for name in INTEGER_FEATURES:
        grid = np.quantile(train[name], np.linspace(0, 1, 11))
        out[name] = np.round(np.interp(rng.uniform(0.01, 0.99, n), np.linspace(0, 1, 11), grid)).astype(int)
    return pd.DataFrame(out)


def share_draws(train: pd.DataFrame, profile: Profile, n: int, seed: int) -> pd.DataFrame:
    """A more careful attacker: the small codes drawn from their published shares (only values the
    training data has), the wider integers from the deciles, each feature independently."""
    rng = np.random.default_rng(seed)
    out = decile_draws(train, n, seed)
    for name in INTEGER_FEATURES:
        cats = profile.columns[name].categories
        if cats:
            p = np.asarray(list(cats.values()))
            out[name] = rng.choice([int(k) for k in cats], n, p=p / p.sum())
    return out


@pytest.fixture(scope="module")
def world():
    from sklearn.ensemble import RandomForestClassifier

    train, held_out = integer_frame(4000, 11), integer_frame(3000, 12)
    model = RandomForestClassifier(n_estimators=20, max_depth=6, random_state=0)
    model.fit(train[INTEGER_FEATURES], train["label"])
    profile = build_profile(train, "train.csv", label="label")
    return train, held_out, profile, model


def _as_rows(frame: pd.DataFrame) -> list[dict]:
    """Rows as the gateway gets them from JSON: Python ints."""
    return [{k: int(v) for k, v in row.items()} for row in frame[INTEGER_FEATURES].to_dict("records")]


def _attack(world, queries: pd.DataFrame) -> list:
    _, _, profile, model = world
    answers = model.predict(queries[INTEGER_FEATURES])
    monitor = Monitor("credit", profile)
    found = []
    for i, row in enumerate(_as_rows(queries)):
        found += monitor.observe([row], [int(answers[i])], client="scraper")
    return [d for d in found if d.kind == "extraction"]


def test_the_profile_keeps_small_integer_codes_as_categories(world) -> None:
    _, _, profile, _ = world
    assert {n for n, c in profile.columns.items() if c.categories and n != "label"} == \
        {"term_months", "open_lines", "delinquencies", "branch"}
    space = FeatureSpace(profile)
    assert set(space.numeric) == set(INTEGER_FEATURES)  # ordered values, each in its own coordinate


def test_extraction_from_integer_deciles_is_detected_within_a_few_hundred_queries(world) -> None:
    train = world[0]
    extraction = _attack(world, decile_draws(train, 300, seed=5))
    assert extraction and extraction[0].client == "scraper"
    assert extraction[0].score > extraction[0].threshold


def test_extraction_from_published_shares_is_detected(world) -> None:
    train, _, profile, _ = world
    extraction = _attack(world, share_draws(train, profile, 400, seed=6))
    assert extraction and extraction[0].client == "scraper"


def test_benign_integer_traffic_raises_no_alert(world) -> None:
    _, held_out, profile, model = world
    answers = model.predict(held_out[INTEGER_FEATURES])
    rows = _as_rows(held_out)
    monitor = Monitor("credit", profile)
    found = []
    for start in range(0, len(rows), 25):
        batch = range(start, min(start + 25, len(rows)))
        found += monitor.observe_many([([rows[i]], [int(answers[i])], f"c{i % 5}") for i in batch])
    assert found == []


def test_a_single_benign_client_on_integer_features_raises_no_alert(world) -> None:
    _, held_out, profile, model = world
    rows = _as_rows(held_out.head(600))
    answers = model.predict(held_out[INTEGER_FEATURES].head(600))
    monitor = Monitor("credit", profile)
    found = []
    for i, row in enumerate(rows):
        found += monitor.observe([row], [int(answers[i])], client="scoring-service")
    assert found == []
