"""The GitHub Action and the GitLab CI template: pinned, and their scripts run as CI would run them."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
ACTION = yaml.safe_load((ROOT / "action.yml").read_text(encoding="utf-8"))
GITLAB = yaml.safe_load((ROOT / "ci" / "gitlab" / "secplan.gitlab-ci.yml").read_text(encoding="utf-8"))
SECRET_PROJECT = {"settings.py": 'TOKEN = "AKIAQ3EGUQ5BRZVN7XAT"\n'}


def _project(tmp_path: Path, files: dict[str, str]) -> Path:
    project = tmp_path / "project"
    project.mkdir()
    for name, text in files.items():
        (project / name).write_text(text, encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k != "SECPLAN_DATABASE_URL"}
    subprocess.run([sys.executable, "-m", "secplan", "init", str(project)], check=True, capture_output=True, env=env)
    return project


def _env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "SECPLAN_DATABASE_URL"}
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env['PATH']}"
    return {**env, **extra}


def test_every_third_party_action_is_pinned_by_commit() -> None:
    uses = [step["uses"] for step in ACTION["runs"]["steps"] if "uses" in step]
    assert uses, "the action uses no third-party action: this test checks nothing"
    text = (ROOT / "action.yml").read_text(encoding="utf-8")
    for ref in uses:
        assert re.fullmatch(r"[\w.-]+/[\w./-]+@[0-9a-f]{40}", ref), f"{ref}: not pinned to a commit"
        assert re.search(rf"{re.escape(ref)} # v\d+\.\d+\.\d+", text), f"{ref}: no version comment"


@pytest.mark.parametrize(("files", "expected"), [({"train.py": "print('ok')\n"}, "0"), (SECRET_PROJECT, "1")])
def test_the_action_assess_step_reports_and_sets_its_output(tmp_path: Path, files: dict[str, str],
                                                           expected: str) -> None:
    project = _project(tmp_path, files)
    step = next(s for s in ACTION["runs"]["steps"] if s.get("id") == "assess")
    summary, output = tmp_path / "summary.md", tmp_path / "output.txt"
    env = _env(tmp_path, PROJECT=str(project), FAIL_ON="high", SARIF=str(tmp_path / "secplan.sarif"),
               GITHUB_STEP_SUMMARY=str(summary), GITHUB_OUTPUT=str(output))
    done = subprocess.run(["bash", "-e", "-c", step["run"]], cwd=tmp_path, env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert output.read_text().strip() == f"exit-code={expected}"
    assert (tmp_path / "secplan.sarif").stat().st_size > 0
    assert "PS-7" in summary.read_text(encoding="utf-8")

    gate = next(s for s in ACTION["runs"]["steps"] if s.get("name") == "Gate")
    gated = subprocess.run(["bash", "-c", gate["run"]], env={**env, "CODE": expected}, capture_output=True, text=True)
    assert gated.returncode == int(expected)


def test_the_gitlab_job_writes_the_reports_it_declares(tmp_path: Path) -> None:
    project = _project(tmp_path, SECRET_PROJECT)
    job = GITLAB["secplan"]
    variables = {**GITLAB["variables"], "SECPLAN_PATH": str(project)}
    script = [line for line in job["script"] if "pip install" not in line]
    done = subprocess.run(["bash", "-c", "\n".join(script)], cwd=tmp_path, env=_env(tmp_path, **variables),
                          capture_output=True, text=True)
    assert done.returncode == 1, done.stderr  # the planted credential is a high finding
    for name in job["artifacts"]["paths"]:
        assert (tmp_path / name).stat().st_size > 0, name
    assert "<testsuite" in (tmp_path / job["artifacts"]["reports"]["junit"]).read_text(encoding="utf-8")
