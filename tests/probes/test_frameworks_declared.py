from secplan.vocabulary import Outcome

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
