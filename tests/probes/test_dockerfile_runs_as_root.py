import pytest

from secplan.vocabulary import Outcome

from .cases import NA, Case, N, P
from .helpers import make_project, negatives, outcomes, run_probe

ID = "dockerfile-runs-as-root"


def test_final_stage_user_decides(project_dir):
    make_project(project_dir, {
        "Dockerfile": "FROM python:3.11\nUSER app\nFROM python:3.11-slim\nCMD [\"x\"]\n",
        "svc/Dockerfile.gpu": "FROM nvidia/cuda\nUSER root\n",
        "ok/Dockerfile": "FROM python:3.11\nRUN useradd app \\\n  --uid 10001\nUSER 10001\n",
    })
    results = run_probe(ID, project_dir)
    assert sorted((r.location.path, r.location.line) for r in negatives(results)) == [
        ("Dockerfile", 3), ("svc/Dockerfile.gpu", 2)]
    assert [r.location.path for r in results if r.outcome == Outcome.POSITIVE] == ["ok/Dockerfile"]


def test_no_dockerfiles(project_dir):
    make_project(project_dir, {})
    assert outcomes(run_probe(ID, project_dir)) == [Outcome.NOT_APPLICABLE]


CASES = [
    Case(ID, "final stage runs as app", (P,), files={"Dockerfile": "FROM python:3.12 AS b\nUSER root\nFROM b\nUSER app\n"},
         says=("the image runs as app",)),
    Case(ID, "USER only in the build stage", (N,), files={"Dockerfile": "FROM python:3.12 AS b\nUSER app\nFROM b\n"},
         says=("no USER in the final stage",)),
    Case(ID, "USER 0", (N,), files={"docker/api.dockerfile": "FROM python:3.12\nUSER 0:0\n"},
         says=("the image runs as root (USER 0:0)",)),
    Case(ID, "no Dockerfiles", (NA,), files={"a.py": "pass\n"}),
]


@pytest.mark.parametrize("case", CASES, ids=str)
def test_case(case: Case, project_dir) -> None:
    case.check(project_dir)
