import datetime as dt

import pytest

from secplan.model.evaluate.evidence import EVALUATIONS, Evaluation, Evaluations, SuiteResult, VersionToJudge
from secplan.vocabulary import Outcome

from .cases import NA, NE, Case, N, P, at, days_ago
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


SEX = {"files": {"d.csv": "id,sex,income\n1,f,2\n"}, "plan": {"policy": {"fairness": {"sensitive_features": ["sex"]}}}}


def fairness(passed: bool | None, **details) -> dict:
    suite = SuiteResult("fairness", passed, {"demographic_parity_ratio": 0.9 if passed else 0.6}, details)
    return {EVALUATIONS: Evaluations((Evaluation("credit", "2", "sha256:a", (suite,), at(days_ago(3))),),
                                     (VersionToJudge("credit@2", "sha256:a", "models/credit.onnx"),))}


CASES = [
    Case(ID, "fairness thresholds met across the declared feature", (P,), **SEX,
         evidence=fairness(True, features=["sex"]), says=("credit@2 meets the fairness thresholds across sex",)),
    Case(ID, "thresholds not met", (N,), **SEX, evidence=fairness(False, failed=["parity 0.60 < 0.80"]),
         says=("credit@2 fails the fairness thresholds: parity 0.60 < 0.80",)),
    Case(ID, "a proxy of the sensitive attribute among the inputs", (P, N), **SEX,
         evidence=fairness(True, features=["sex"], proxies=["first_name"]), says=("reads first_name",)),
    Case(ID, "a version on restricted data never evaluated", (N,), **SEX,
         evidence={EVALUATIONS: Evaluations((), (VersionToJudge("credit@3", "sha256:b", "m.onnx",
                                                                sensitive_data=True),))},
         says=("credit@3 is trained on confidential or restricted data and has no fairness evaluation",)),
    Case(ID, "protected columns, no fairness policy", (N,), files={"d.csv": "id,Gender\n1,f\n"}, evidence=NONE,
         says=("protected attributes gender in the data",)),
    Case(ID, "declared, nothing evaluated", (NE,), **SEX, evidence=NONE),
    Case(ID, "no protected data", (NA,), files={"d.csv": "id,usage\n1,2\n"}, evidence=NONE),
]


@pytest.mark.parametrize("case", CASES, ids=str)
def test_case(case: Case, project_dir) -> None:
    results = case.check(project_dir)
    if case.fails and "proxy" not in case.name and results[0].location.member:
        assert results[0].location.member.startswith("credit@")
