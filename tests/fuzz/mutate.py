"""Seed-based mutation for bounded fuzzing: valid documents of each format, changed a little.

Random bytes mostly fail a parser's first check; a valid file with a few bytes flipped, a region
duplicated, brackets inserted or a cut at a random place reaches the code behind that check.
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

#: Bounded and reproducible in CI (the same 80 examples each run; no deadline: a loaded CI machine is
#: slow on the first example, which imports and compiles the rules); a longer,
#: random campaign: ``SECPLAN_FUZZ_EXAMPLES=5000 pytest tests/fuzz``.
_CAMPAIGN = int(os.environ.get("SECPLAN_FUZZ_EXAMPLES", "0"))
FUZZ = settings(max_examples=_CAMPAIGN or 80, deadline=None, derandomize=not _CAMPAIGN,
                suppress_health_check=[HealthCheck.too_slow])

_STRUCTURE = [b"[", b"]", b"{", b"}", b"\n", b":", b",", b'"', b"- ", b"&a ", b"*a", b"=", b"\x00", b"\xff",
              b"[[[[[[[[[[[[[[[[", b"{{{{{{{{{{{{{{{{", b"\\", b"\t", b"#", b"'"]


@st.composite
def mutated(draw: st.DrawFn, seeds: list[bytes]) -> bytes:
    """One of ``seeds`` with 1 to 6 random edits: flip, insert, delete, duplicate, cut."""
    data = bytearray(draw(st.sampled_from(seeds)))
    for _ in range(draw(st.integers(1, 6))):
        kind = draw(st.sampled_from(["flip", "insert", "delete", "duplicate", "cut"]))
        at = draw(st.integers(0, len(data)))
        if kind == "flip" and data:
            data[min(at, len(data) - 1)] = draw(st.integers(0, 255))
        elif kind == "insert":
            data[at:at] = draw(st.sampled_from(_STRUCTURE)) * draw(st.integers(1, 3))
        elif kind == "delete":
            del data[at:at + draw(st.integers(1, 16))]
        elif kind == "duplicate" and data:
            end = min(len(data), at + draw(st.integers(1, 64)))
            data[at:at] = data[at:end] * draw(st.integers(1, 4))
        elif kind == "cut":
            del data[at:]
    return bytes(data)
