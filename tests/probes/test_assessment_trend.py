"""CS-5: the posture does not fall by a point or more between the last two stored assessments."""

import datetime as dt
from pathlib import Path

import pytest

from secplan.assess.history import save_assessment
from secplan.assess.result import AssessmentDoc
from secplan.store.db import Store

from .cases import NE, TODAY, Case, N, P


def scores(*values: float):
    def setup(root: Path, store: Store) -> None:
        for value in values:
            save_assessment(store, AssessmentDoc.model_construct(
                generated_at=dt.datetime.now(dt.UTC), score=value, counts={}, severity_counts={}, today=TODAY))
    return setup


CASES = [
    Case("assessment-trend", "score up", (P,), setup=scores(6.0, 7.5), store=True,
         says=("posture steady or better: score 6.0 -> 7.5",)),
    Case("assessment-trend", "a small dip", (P,), setup=scores(7.5, 7.0), store=True),
    Case("assessment-trend", "score fell by two points", (N,), setup=scores(8.0, 6.0), store=True,
         says=("posture fell: score 8.0 -> 6.0",)),
    Case("assessment-trend", "one assessment", (NE,), setup=scores(7.0), store=True),
    Case("assessment-trend", "no store", (NE,)),
]


@pytest.mark.parametrize("case", [c for c in CASES if not c.store], ids=str)
def test_case(case: Case, project_dir: Path) -> None:
    case.check(project_dir)


@pytest.mark.parametrize("case", [c for c in CASES if c.store], ids=str)
def test_case_on_a_store(case: Case, project_dir: Path, store: Store) -> None:
    case.check(project_dir, store)
