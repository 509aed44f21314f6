import pytest

from secplan.vocabulary import Outcome

from .cases import NA, Case, N
from .helpers import make_project, outcomes, run_probe

ID = "dependency-manifest-present"


def test_code_without_manifest_is_negative(project_dir):
    make_project(project_dir, {"train.py": "import sklearn\n"})
    assert outcomes(run_probe(ID, project_dir)) == [Outcome.NEGATIVE]


def test_manifest_present_says_nothing_more(project_dir):
    make_project(project_dir, {"train.py": "import sklearn\n", "requirements.txt": "scikit-learn==1.5.0\n"})
    assert run_probe(ID, project_dir) == []


CASES = [
    # No positive on purpose: with a manifest, vulnerable-dependency judges what it declares.
    Case(ID, "code with a requirements file", (), files={"a.py": "import yaml\n", "requirements.txt": "pyyaml==6.0\n"}),
    Case(ID, "code without a manifest", (N,), files={"a.py": "import yaml\n"},
         says=("Python code without any dependency manifest",)),
    Case(ID, "no Python code", (NA,), files={"README.md": "x\n"}),
]


@pytest.mark.parametrize("case", CASES, ids=str)
def test_case(case: Case, project_dir) -> None:
    case.check(project_dir)
