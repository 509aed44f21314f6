from secplan.vocabulary import Outcome

from .helpers import collector_installed, make_project, negatives, outcomes, run_probe

ID = "fairness-features-declared"


def test_protected_columns_without_policy(project_dir):
    make_project(project_dir, {"d.csv": "id,Gender,income,date_of_birth\n1,f,2,2000-01-01\n", "e.csv": "id,x\n1,2\n"})
    found = negatives(run_probe(ID, project_dir))
    assert [r.location.path for r in found] == ["d.csv"]
    assert "gender" in found[0].message


def test_declared_features_need_an_evaluation(project_dir):
    make_project(project_dir, {"d.csv": "id,sex\n1,f\n"}, policy={"fairness": {"sensitive_features": ["sex"]}})
    expected = [] if collector_installed("evaluations") else [Outcome.NO_EVIDENCE]
    assert outcomes(run_probe(ID, project_dir)) == expected


def test_no_protected_data(project_dir):
    make_project(project_dir, {"d.csv": "id,usage\n1,2\n"})
    assert outcomes(run_probe(ID, project_dir)) == [Outcome.NOT_APPLICABLE]
