from secplan.vocabulary import Outcome

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
