import datetime as dt

from secplan.model.evaluate.evidence import EVALUATIONS, Evaluation, Evaluations, SuiteResult
from secplan.vocabulary import Outcome

from .helpers import make_project, negatives, outcomes, run_probe

ID = "fairness-features-declared"
NONE = {EVALUATIONS: Evaluations()}


def test_protected_columns_without_policy(project_dir):
    make_project(project_dir, {"d.csv": "id,Gender,income,date_of_birth\n1,f,2,2000-01-01\n", "e.csv": "id,x\n1,2\n"})
    found = negatives(run_probe(ID, project_dir, provided=NONE))
    assert [r.location.path for r in found] == ["d.csv"]
    assert "gender" in found[0].message


def test_declared_features_need_an_evaluation(project_dir):
    make_project(project_dir, {"d.csv": "id,sex\n1,f\n"}, policy={"fairness": {"sensitive_features": ["sex"]}})
    assert outcomes(run_probe(ID, project_dir, provided=NONE)) == [Outcome.NO_EVIDENCE]
    when = dt.datetime(2026, 11, 1, tzinfo=dt.UTC)
    evals = Evaluations((Evaluation("m", "1", "sha256:a", (SuiteResult("fairness", False, {"di": 0.6}),), when),))
    assert outcomes(run_probe(ID, project_dir, provided={EVALUATIONS: evals})) == [Outcome.NEGATIVE]


def test_no_protected_data(project_dir):
    make_project(project_dir, {"d.csv": "id,usage\n1,2\n"})
    assert outcomes(run_probe(ID, project_dir, provided=NONE)) == [Outcome.NOT_APPLICABLE]
