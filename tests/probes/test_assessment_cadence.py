import datetime as dt

import pytest

from secplan.assess.history import save_assessment
from secplan.assess.pipeline import assess
from secplan.assess.result import AssessmentDoc
from secplan.plan.loader import load_plan
from secplan.store.db import Store
from secplan.vocabulary import Outcome

from .cases import NE, TODAY, Case, N, P
from .helpers import make_project, outcomes, run_probe

ID = "assessment-cadence"


def test_first_assessment_is_no_evidence(project_dir):
    make_project(project_dir, {})
    assert outcomes(run_probe(ID, project_dir)) == [Outcome.NO_EVIDENCE]


def test_cadence_against_stored_assessments(project_dir, store: Store):
    make_project(project_dir, {}, policy={"assessment_every_days": 30})
    save_assessment(store, assess(project_dir, load_plan(project_dir / "secplan.yaml")))
    today = dt.date.today()
    assert outcomes(run_probe(ID, project_dir, today=today)) == [Outcome.POSITIVE]
    assert outcomes(run_probe(ID, project_dir, today=today + dt.timedelta(days=45))) == [Outcome.NEGATIVE]


def assessed(root, store: Store) -> None:
    save_assessment(store, AssessmentDoc.model_construct(
        generated_at=dt.datetime.now(dt.UTC), score=7.0, counts={}, severity_counts={}, today=TODAY))


LATER = dt.date.today() + dt.timedelta(days=45)  # stored assessments finish now, whatever TODAY says

CASES = [
    Case(ID, "assessed today", (P,), plan={"policy": {"assessment_every_days": 30}}, setup=assessed, store=True,
         today=dt.date.today(), says=("last assessment 0 day(s) ago (cadence 30 days)",)),
    Case(ID, "last assessment too old", (N,), plan={"policy": {"assessment_every_days": 30}}, setup=assessed,
         store=True, today=LATER, says=("the last assessment was 45 days ago",)),
    Case(ID, "a store without assessments", (NE,), store=True),
    Case(ID, "first assessment", (NE,)),
]


@pytest.mark.parametrize("case", [c for c in CASES if not c.store], ids=str)
def test_case(case: Case, project_dir) -> None:
    case.check(project_dir)


@pytest.mark.parametrize("case", [c for c in CASES if c.store], ids=str)
def test_case_on_a_store(case: Case, project_dir, store: Store) -> None:
    case.check(project_dir, store)
