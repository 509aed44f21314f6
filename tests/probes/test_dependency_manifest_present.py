from secplan.vocabulary import Outcome

from .helpers import make_project, outcomes, run_probe

ID = "dependency-manifest-present"


def test_code_without_manifest_is_negative(project_dir):
    make_project(project_dir, {"train.py": "import sklearn\n"})
    assert outcomes(run_probe(ID, project_dir)) == [Outcome.NEGATIVE]


def test_manifest_present_says_nothing_more(project_dir):
    make_project(project_dir, {"train.py": "import sklearn\n", "requirements.txt": "scikit-learn==1.5.0\n"})
    assert run_probe(ID, project_dir) == []
