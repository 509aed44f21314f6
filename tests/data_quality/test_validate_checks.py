"""Every validation check fires on the problem planted for it and stays quiet on clean data."""

import numpy as np
import pandas as pd
import pytest

from secplan.data.validate import build_profile, validate_frame
from secplan.data.validate.drift import adjust
from secplan.data.validate.rules import RuleSet
from secplan.vocabulary import Severity

from .generate import training


@pytest.fixture(scope="module")
def train() -> pd.DataFrame:
    return training(2000, seed=1)


@pytest.fixture(scope="module")
def baseline(train):
    return build_profile(train, "train.csv", label="label")


@pytest.fixture
def fresh() -> pd.DataFrame:
    return training(1500, seed=2)


def checks(findings, column=None):
    return {f.check for f in findings if column is None or f.column == column}


def test_clean_data_is_quiet(train, baseline, fresh):
    assert validate_frame(fresh, baseline=baseline, other=train) == []
    assert validate_frame(train, baseline=baseline) == []


def test_profile_holds_aggregates_only(baseline, train):
    dumped = baseline.model_dump_json()
    assert baseline.rows == 2000 and baseline.label == "label"
    assert baseline.columns["plan"].categories.keys() == {"basic", "plus", "pro"}
    assert baseline.columns["customer"].categories is None  # high cardinality: no values stored
    assert not any(value in dumped for value in train["customer"].head(50))
    assert len(baseline.columns["x1"].quantiles) == 1001


def test_schema_changes(baseline, fresh):
    changed = fresh.drop(columns=["visits"]).assign(x2=fresh["x2"].map(lambda v: f"{v:.1f} kg"), extra=1)
    found = validate_frame(changed, baseline=baseline, label_noise=False)
    schema = {(f.column, f.severity) for f in found if f.check == "schema"}
    assert schema == {("visits", Severity.HIGH), ("x2", Severity.HIGH), ("extra", Severity.MEDIUM)}


def test_nulls_ranges_and_new_categories(baseline, fresh):
    bad = fresh.copy()
    bad.loc[bad.sample(frac=0.2, random_state=0).index, "x2"] = np.nan
    bad.loc[bad.sample(frac=0.05, random_state=1).index, "x1"] = 40.0
    bad.loc[bad.sample(frac=0.05, random_state=2).index, "plan"] = "enterprise"
    found = validate_frame(bad, baseline=baseline, label_noise=False)
    assert "nulls" in checks(found, "x2")
    assert {"range", "outliers"} <= checks(found, "x1")
    cats = next(f for f in found if f.check == "categories")
    assert cats.column == "plan" and cats.details["examples"] == ["enterprise"]


def test_exact_and_near_duplicates(fresh):
    exact = pd.concat([fresh, fresh.iloc[:40]], ignore_index=True)
    assert checks(validate_frame(exact, label_noise=False)) == {"duplicates"}
    near = fresh.iloc[:40].copy()
    near["plan"] = near["plan"].str.upper() + " "
    near["x1"] = near["x1"] + 1e-9
    found = validate_frame(pd.concat([fresh, near], ignore_index=True), label_noise=False)
    assert checks(found) == {"near_duplicates"}
    assert next(f for f in found if f.check == "near_duplicates").details["count"] == 40


def test_train_test_leakage(train, fresh):
    leaky = pd.concat([fresh, train.iloc[:25]], ignore_index=True)
    found = [f for f in validate_frame(leaky, other=train, label_noise=False) if f.check == "leakage"]
    assert len(found) == 1 and found[0].severity == Severity.HIGH and found[0].details["count"] == 25
    # leakage ignores the label: a copied row with a changed label still leaks
    relabelled = train.iloc[:25].assign(label=lambda d: np.where(d["label"] == "yes", "no", "yes"))
    found = validate_frame(pd.concat([fresh, relabelled], ignore_index=True), other=train, label="label",
                           label_noise=False)
    assert "leakage" in checks(found)


def test_label_noise(fresh):
    noisy = fresh.copy()
    flip = noisy.sample(frac=0.15, random_state=3).index
    noisy.loc[flip, "label"] = np.where(noisy.loc[flip, "label"] == "yes", "no", "yes")
    found = [f for f in validate_frame(noisy, label="label") if f.check == "label_noise"]
    assert len(found) == 1
    flagged = set(found[0].details["rows"])
    assert found[0].details["share"] > 0.08
    assert len(flagged & set(flip)) >= 0.8 * len(flagged)  # the rows it names are mostly the flipped ones


def test_poisoning_indicators(baseline, fresh):
    burst = pd.concat([fresh, pd.concat([fresh.iloc[[7]]] * 30)], ignore_index=True)
    found = validate_frame(burst, baseline=baseline, label_noise=False)
    assert any(f.check == "poisoning" and f.details["indicator"] == "burst" and f.details["copies"] == 31
               for f in found)
    conflict = fresh.iloc[:30].assign(label=lambda d: np.where(d["label"] == "yes", "no", "yes"))
    found = validate_frame(pd.concat([fresh, conflict], ignore_index=True), label="label", label_noise=False)
    assert any(f.details.get("indicator") == "conflicting_labels" for f in found)
    shifted = fresh[(fresh["label"] == "no") | (fresh.index % 4 == 0)]
    found = validate_frame(shifted, baseline=baseline, label_noise=False)
    assert any(f.details.get("indicator") == "label_shift" and f.severity == Severity.HIGH for f in found)


@pytest.mark.parametrize("correction", ["bh", "holm"])
def test_drift_is_found_per_column_with_correction(baseline, fresh, correction):
    moved = fresh.assign(x1=fresh["x1"] + 0.5, plan=np.where(fresh.index % 3 == 0, "pro", fresh["plan"]))
    rules = RuleSet.model_validate({"thresholds": {"drift_correction": correction}})
    found = [f for f in validate_frame(moved, baseline=baseline, ruleset=rules, label_noise=False)
             if f.check == "drift"]
    assert {f.column for f in found} >= {"x1", "plan"} and "x2" not in {f.column for f in found}
    x1 = next(f for f in found if f.column == "x1")
    assert x1.details["correction"] == correction
    assert x1.details["wasserstein_normalised"] == pytest.approx(0.5, abs=0.1)
    assert x1.details["p_adjusted"] < 0.05 and x1.details["psi"] > 0.1


def test_corrections_match_textbook_values():
    p = [0.01, 0.04, 0.03, 0.005]
    assert adjust(p, "holm") == pytest.approx([0.03, 0.06, 0.06, 0.02])
    assert adjust(p, "bh") == pytest.approx([0.02, 0.04, 0.04, 0.02])
