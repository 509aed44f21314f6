"""k-anonymity and l-diversity are reached, measured independently of the engine's own bookkeeping."""

import pandas as pd
import pytest

from secplan.data.anonymize.engine import anonymize_frame
from secplan.data.anonymize.policy import AnonymisationPolicy
from secplan.errors import InputError

QI_RULES = {
    "age": {"op": "generalize", "kind": "age", "width": 5},
    "postcode": {"op": "generalize", "kind": "postcode", "keep": 4},
    "birth_date": {"op": "generalize", "kind": "date", "level": "month"},
}


def policy(**extra) -> AnonymisationPolicy:
    doc = {"columns": {"name": {"op": "redact"}, "email": {"op": "suppress"}, **QI_RULES},
           "quasi_identifiers": ["age", "postcode", "birth_date", "sex"], **extra}
    return AnonymisationPolicy.model_validate(doc)


def smallest_class(df: pd.DataFrame, qis: list[str]) -> int:
    return int(df.groupby(qis, dropna=False).size().min())


@pytest.mark.parametrize("k", [2, 5, 10])
def test_target_k_is_reached_by_generalisation_and_suppression(people_frame, k):
    qis = ["age", "postcode", "birth_date", "sex"]
    assert smallest_class(people_frame, qis) == 1  # the raw data identifies people
    out = anonymize_frame(people_frame, policy(k=k, max_suppression=0.05), key=None)
    assert smallest_class(out.table, qis) >= k
    privacy, utility = out.report["privacy"], out.report["utility"]
    assert privacy["k_achieved"] == smallest_class(out.table, qis)
    assert privacy["share_at_risk_before"] == 1.0 and privacy["share_at_risk_after"] == 0.0
    assert privacy["max_reidentification_risk"] <= 1 / k
    assert utility["rows_suppressed"] <= 0.05 * len(people_frame)
    assert utility["rows_out"] == len(out.table) == len(people_frame) - utility["rows_suppressed"]
    assert "email" not in out.table.columns and set(out.table["name"]) == {"REDACTED"}


def test_higher_k_costs_more_generalisation(people_frame):
    low = anonymize_frame(people_frame, policy(k=2), key=None).report["privacy"]["generalisation_levels"]
    high = anonymize_frame(people_frame, policy(k=25), key=None).report["privacy"]["generalisation_levels"]
    assert sum(high.values()) > sum(low.values())


def test_l_diversity_is_reached(people_frame):
    qis = ["age", "postcode", "birth_date", "sex"]
    out = anonymize_frame(people_frame, policy(k=5, l=3, sensitive=["diagnosis"]), key=None)
    distinct = out.table.groupby(qis, dropna=False)["diagnosis"].nunique()
    assert distinct.min() >= 3
    assert out.report["privacy"]["l_achieved"] == distinct.min()


def test_l_diversity_forces_more_than_k_alone():
    # Six people per class but one diagnosis each: 5-anonymous, not 2-diverse, until generalised.
    df = pd.DataFrame({"age": [21, 22, 23, 24, 25, 26, 41, 42, 43, 44, 45, 46],
                       "diagnosis": ["flu"] * 6 + ["asthma"] * 6})
    doc = {"columns": {"age": {"op": "generalize", "kind": "age", "width": 10}}, "quasi_identifiers": ["age"],
           "sensitive": ["diagnosis"], "k": 5, "max_suppression": 0.0}
    k_only = anonymize_frame(df, AnonymisationPolicy.model_validate(doc), key=None)
    assert k_only.report["privacy"]["l_achieved"] == 1
    diverse = anonymize_frame(df, AnonymisationPolicy.model_validate({**doc, "l": 2}), key=None)
    assert diverse.report["privacy"]["l_achieved"] == 2
    assert diverse.table["age"].nunique() == 1


def test_impossible_target_is_refused(people_frame):
    with pytest.raises(InputError, match="cannot reach k=5000"):
        anonymize_frame(people_frame, policy(k=5000, max_suppression=0.0), key=None)


def test_missing_policy_columns_are_named(people_frame):
    doc = {"columns": {"ssn": {"op": "redact"}}, "quasi_identifiers": ["zip"]}
    with pytest.raises(InputError, match="ssn, zip"):
        anonymize_frame(people_frame, AnonymisationPolicy.model_validate(doc), key=None, policy_name="p.yaml")
