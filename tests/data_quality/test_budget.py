"""The differential-privacy budget on SQLite and PostgreSQL: spends add up, exhaustion is refused."""

import numpy as np
import pandas as pd
import pytest
from sqlalchemy import func, select

from secplan.data.anonymize import budget, dp
from secplan.data.anonymize.policy import Aggregate
from secplan.errors import InputError


def spends(store, dataset):
    with store.session() as session:
        return session.scalar(select(func.count()).select_from(budget.PrivacySpend).where(
            budget.PrivacySpend.dataset == dataset))


def test_spends_add_up_and_exhaustion_is_refused(store):
    with budget.reserve(store, "patients", 0.4, total=1.0, purpose="first") as state:
        assert state.spent == pytest.approx(0.4)
    with budget.reserve(store, "patients", 0.5, total=1.0, purpose="second") as state:
        assert state.remaining == pytest.approx(0.1)
    with pytest.raises(InputError, match=r"exhausted: spent 0\.9 of 1"), \
            budget.reserve(store, "patients", 0.2, total=1.0, purpose="third"):
        pytest.fail("the block must not run when the budget is exhausted")
    assert spends(store, "patients") == 2
    assert budget.state(store, "patients").spent == pytest.approx(0.9)
    assert budget.state(store, "other") is None


def test_failed_release_spends_nothing(store):
    with pytest.raises(RuntimeError), budget.reserve(store, "d", 0.5, total=1.0, purpose="x"):
        raise RuntimeError("writing the output failed")
    assert spends(store, "d") == 0


def test_budget_cannot_grow_once_spending_began(store):
    with budget.reserve(store, "d", 0.1, total=1.0, purpose="x"):
        pass
    with pytest.raises(InputError, match="is 1; the policy asks for 5") as info, \
            budget.reserve(store, "d", 0.1, total=5.0, purpose="x"):
        pytest.fail("a larger budget must be refused")
    assert "can only stay or shrink" in info.value.hint
    with budget.reserve(store, "d", 0.1, total=0.5, purpose="shrink") as state:
        assert state.total == 0.5


def test_dp_aggregates_are_close_at_large_epsilon_and_noisy_at_small():
    rng = np.random.default_rng(0)
    df = pd.DataFrame({"income": rng.uniform(0, 100, 20_000), "sex": rng.choice(["F", "M"], 20_000)})
    aggs = [Aggregate(name="m", column="income", stat="mean", epsilon=10, bounds=(0, 100)),
            Aggregate(name="n", column="income", stat="count", epsilon=10),
            Aggregate(name="c", column="sex", stat="counts", epsilon=10, categories=["F", "M", "X"]),
            Aggregate(name="h", column="income", stat="histogram", epsilon=10, bounds=(0, 100), bins=4)]
    out = {a["name"]: a["value"] for a in dp.release(df, aggs)}
    assert out["m"] == pytest.approx(df["income"].mean(), abs=0.5)
    assert out["n"] == pytest.approx(20_000, abs=20)
    assert out["c"]["F"] == pytest.approx((df["sex"] == "F").sum(), abs=20) and out["c"]["X"] < 20
    assert sum(out["h"]["counts"]) == pytest.approx(20_000, abs=50) and len(out["h"]["edges"]) == 5
    noisy = [dp.release(df, [Aggregate(name="m", column="income", stat="sum", epsilon=0.01, bounds=(0, 100))])[0]["value"]
             for _ in range(3)]
    assert len(set(noisy)) == 3  # fresh noise on every release
