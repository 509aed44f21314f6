import datetime as dt

from secplan.assess.history import save_assessment
from secplan.assess.pipeline import assess
from secplan.plan.loader import load_plan
from secplan.store.db import Store
from secplan.vocabulary import Outcome

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
