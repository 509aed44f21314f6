"""The entry's hashed bytes: the hand-written form is byte for byte the canonical JSON array it
stands for (entries hashed before it existed must rehash to the same value)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from secplan.ledger.entry import FORMAT_VERSION, canonical_bytes, canonical_json


def _generic(seq: int, timestamp: str, actor: str, action: str, obj: str, details: str, outcome: str,
             prev_hash: str) -> bytes:
    head = canonical_json([FORMAT_VERSION, seq, timestamp, actor, action, obj, outcome, prev_hash])
    return (head[:-1] + "," + details + "]").encode("utf-8")


@settings(max_examples=300, deadline=None)
@given(seq=st.integers(1, 2**63 - 1), texts=st.lists(st.text(max_size=40), min_size=6, max_size=6),
       details=st.dictionaries(st.text(max_size=10), st.integers() | st.text(max_size=10), max_size=4))
def test_hashed_bytes_are_the_canonical_json_array(seq: int, texts: list[str], details: dict) -> None:
    timestamp, actor, action, obj, outcome, prev_hash = texts
    canonical_details = canonical_json(details)
    assert canonical_bytes(seq, timestamp, actor, action, obj, canonical_details, outcome, prev_hash) == \
        _generic(seq, timestamp, actor, action, obj, canonical_details, outcome, prev_hash)


def test_a_seq_that_is_not_an_int_is_refused() -> None:
    with pytest.raises(TypeError):
        canonical_bytes("1", "t", "a", "b.c", "o", "{}", "success", "0" * 64)  # type: ignore[arg-type]
