import pytest

from secplan.vocabulary import Outcome

from .cases import NA, NE, Case, N, P
from .helpers import make_project, negatives, outcomes, run_probe

ID = "personal-data-not-anonymised"


def test_training_data_must_be_anonymised(project_dir):
    make_project(project_dir, {"raw.csv": "a\n", "anon.csv": "a\n", "public.csv": "a\n"}, assets=[
        {"path": "raw.csv", "classification": "restricted", "uses": ["training"]},
        {"path": "anon.csv", "classification": "confidential", "uses": ["shared"], "anonymised": True},
        {"path": "public.csv", "classification": "public", "uses": ["training"]},
    ])
    results = run_probe(ID, project_dir)
    assert [r.location.path for r in negatives(results)] == ["raw.csv"]
    assert [r.location.path for r in results if r.outcome == Outcome.POSITIVE] == ["anon.csv"]


def test_uses_not_declared_is_no_evidence(project_dir):
    make_project(project_dir, {"raw.csv": "a\n"}, assets=[{"path": "raw.csv", "classification": "restricted"}])
    assert outcomes(run_probe(ID, project_dir)) == [Outcome.NO_EVIDENCE]


def test_policy_scope_is_respected(project_dir):
    make_project(project_dir, {"raw.csv": "a\n"},
                 assets=[{"path": "raw.csv", "classification": "restricted", "uses": ["training"]}],
                 policy={"anonymisation": {"required_for": ["shared"]}})
    assert outcomes(run_probe(ID, project_dir)) == [Outcome.NO_EVIDENCE]


def asset(**kw) -> dict:
    return {"assets": [{"path": "d.csv", "classification": "restricted", "uses": ["training"], **kw}]}


CASES = [
    Case(ID, "restricted training data anonymised", (P,), files={"d.csv": "a\n1\n"}, plan=asset(anonymised=True),
         says=("restricted data used for training is anonymised",)),
    Case(ID, "restricted training data in clear", (N,), files={"d.csv": "a\n1\n"}, plan=asset(),
         says=("restricted data used for training is not anonymised",)),
    Case(ID, "public training data", (NA,), files={"d.csv": "a\n1\n"}, plan=asset(classification="public")),
    Case(ID, "uses not declared", (NE,), files={"d.csv": "a\n1\n"}, plan=asset(uses=[])),
]


@pytest.mark.parametrize("case", CASES, ids=str)
def test_case(case: Case, project_dir) -> None:
    case.check(project_dir)
