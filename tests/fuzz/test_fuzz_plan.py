"""Fuzzing the plan file: any text is a plan or a PlanError naming the file; never a crash."""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import given

from secplan.errors import PlanError
from secplan.plan.loader import load_plan
from tests.fuzz.mutate import FUZZ, mutated

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "credit-risk" / "secplan.yaml"
SEEDS = [EXAMPLE.read_bytes(), b"version: 1\nproject:\n  name: p\nassets:\n  - path: data/x.csv\n    kind: dataset\n"
         b"    classification: restricted\nwaivers: []\n"]


@FUZZ
@given(mutated(SEEDS))
def test_fuzz_plan(data: bytes) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "secplan.yaml"
        path.write_bytes(data)
        try:
            load_plan(path)
        except PlanError as exc:
            assert str(path) in exc.message, exc.message
