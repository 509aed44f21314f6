"""Bounded property tests: operator invariants and k-anonymity on arbitrary small tables."""

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from secplan.data.anonymize import operators
from secplan.data.anonymize.engine import anonymize_frame
from secplan.data.anonymize.policy import AnonymisationPolicy, Mask
from secplan.errors import InputError

texts = st.lists(st.one_of(st.none(), st.text(max_size=30)), min_size=1, max_size=40)


@settings(max_examples=60, deadline=None)
@given(values=texts, keep=st.integers(0, 8))
def test_mask_keeps_length_and_tail_and_hides_the_rest(values, keep):
    col = pd.Series(values, dtype="string")
    out = operators.mask(col, Mask(op="mask", keep_last=keep))
    for before, after in zip(col, out, strict=True):
        if pd.isna(before):
            assert pd.isna(after)
            continue
        assert len(after) == len(before)
        shown = min(keep, len(before))
        assert after[len(before) - shown:] == before[len(before) - shown:]
        assert set(after[: len(before) - shown]) <= {"*"}


rows = st.lists(st.tuples(st.integers(0, 120), st.sampled_from(["A1", "A2", "B7", "C9X"]), st.sampled_from("FMX")),
                min_size=1, max_size=60)


@settings(max_examples=40, deadline=None)
@given(data=rows, k=st.integers(1, 8), max_suppression=st.sampled_from([0.0, 0.1, 0.5]))
def test_k_is_reached_or_refused_never_violated(data, k, max_suppression):
    df = pd.DataFrame(data, columns=["age", "postcode", "sex"])
    policy = AnonymisationPolicy.model_validate({
        "columns": {"age": {"op": "generalize", "kind": "age", "width": 5},
                    "postcode": {"op": "generalize", "kind": "postcode", "keep": 2}},
        "quasi_identifiers": ["age", "postcode", "sex"], "k": k, "max_suppression": max_suppression})
    try:
        out = anonymize_frame(df, policy, key=None)
    except InputError as exc:
        assert f"cannot reach k={k}" in exc.message
        # Fully generalised, every row is in one class of size n: only n < k with too little
        # suppression allowed can be refused.
        assert len(df) < k and len(df) > int(max_suppression * len(df))
        return
    released = out.table
    assert len(df) - len(released) <= int(max_suppression * len(df))
    if len(released):
        assert released.groupby(["age", "postcode", "sex"], dropna=False).size().min() >= k
