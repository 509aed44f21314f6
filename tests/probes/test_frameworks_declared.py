import pytest

from secplan.vocabulary import Outcome

from .cases import Case, N, P
from .helpers import make_project, outcomes, run_probe

ID = "frameworks-declared"


def test_eu_ai_act_needs_a_risk_category(project_dir):
    make_project(project_dir, {}, project={"frameworks": ["nist-ai-rmf", "eu-ai-act"]})
    assert outcomes(run_probe(ID, project_dir)) == [Outcome.POSITIVE, Outcome.NEGATIVE]
    make_project(project_dir, {}, project={"frameworks": ["eu-ai-act"], "risk_category": "high"})
    assert outcomes(run_probe(ID, project_dir)) == [Outcome.POSITIVE, Outcome.POSITIVE]


def test_no_framework_is_negative(project_dir):
    make_project(project_dir, {}, project={"frameworks": []})
    assert outcomes(run_probe(ID, project_dir)) == [Outcome.NEGATIVE]


CASES = [
    Case(ID, "frameworks named", (P,), plan={"project": {"frameworks": ["nist-ai-rmf", "iso-42001"]}},
         says=("controls are mapped to nist-ai-rmf, iso-42001",)),
    Case(ID, "EU AI Act with its risk category", (P, P),
         plan={"project": {"frameworks": ["eu-ai-act"], "risk_category": "high"}},
         says=("EU AI Act risk category declared: high",)),
    Case(ID, "EU AI Act without a risk category", (P, N), plan={"project": {"frameworks": ["eu-ai-act"]}},
         says=("the system's risk category is not declared",)),
    Case(ID, "no framework", (N,), plan={"project": {"frameworks": []}}, says=("the plan names no framework",)),
]


@pytest.mark.parametrize("case", CASES, ids=str)
def test_case(case: Case, project_dir) -> None:
    case.check(project_dir)
