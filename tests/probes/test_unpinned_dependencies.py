import pytest

from secplan.vocabulary import Outcome

from .cases import NA, Case, N, P
from .helpers import make_project, negatives, outcomes, run_probe

ID = "unpinned-dependencies"
REQS = """# comment
numpy==1.26.4
pandas>=2.0  # not pinned
torch
scikit-learn[alldeps]==1.5.0 ; python_version >= "3.9"
-r other.txt
--hash=sha256:abc
git+https://github.com/org/repo@v1#egg=repo
requests===2.31.0
"""


def test_each_unpinned_requirement_is_named_with_its_line(project_dir):
    make_project(project_dir, {"requirements.txt": REQS, "requirements-dev.txt": "pytest==8.0.0\n"})
    results = run_probe(ID, project_dir)
    assert [(r.location.path, r.location.line) for r in negatives(results)] == [
        ("requirements.txt", 3), ("requirements.txt", 4)]
    assert "pandas" in negatives(results)[0].message
    assert [r.location.path for r in results if r.outcome == Outcome.POSITIVE] == ["requirements-dev.txt"]


def test_no_requirements_files(project_dir):
    make_project(project_dir, {"pyproject.toml": "[project]\nname='x'\n"})
    assert outcomes(run_probe(ID, project_dir)) == [Outcome.NOT_APPLICABLE]


CASES = [
    Case(ID, "every requirement pinned", (P,), files={"requirements.txt": "numpy==2.1.0\npyyaml===6.0.2  # yaml\n"},
         says=("every requirement is pinned to an exact version",)),
    Case(ID, "a range", (N,), files={"requirements.txt": "numpy==2.1.0\npandas>=2\n"},
         says=("pandas is not pinned to an exact version (pandas>=2)",)),
    Case(ID, "no requirements files", (NA,), files={"a.py": "pass\n"}),
]


@pytest.mark.parametrize("case", CASES, ids=str)
def test_case(case: Case, project_dir) -> None:
    case.check(project_dir)
