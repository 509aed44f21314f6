"""``secplan assess --upload URL`` against a real server: CI variables travel with the report, and a
refused upload fails the command with nothing written and the token never printed."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.server.conftest import Org

CI = {"GITHUB_SHA": "0123456789abcdef0123456789abcdef01234567", "GITHUB_HEAD_REF": "feature/upload",
      "GITHUB_REPOSITORY": "acme/alpha", "GITHUB_RUN_ID": "4242", "GITHUB_SERVER_URL": "https://github.example.com"}


def assess(org: Org, token: str, out: Path, url: str | None = None) -> subprocess.CompletedProcess:
    env = {k: v for k, v in org.env.items() if k != "SECPLAN_DATABASE_URL"}
    env.update(CI, SECPLAN_SERVER_TOKEN=token)
    return subprocess.run([sys.executable, "-m", "secplan", "assess", str(org.root / "alpha"), "--no-store",
                           "--upload", url or org.url, "--format", "json", "-o", str(out)],
                          cwd=org.root, env=env, capture_output=True, text=True, timeout=300)


def test_upload_sends_the_report_with_commit_branch_and_pipeline(org: Org, tmp_path: Path) -> None:
    done = assess(org, org.tokens["ci"], tmp_path / "report.json")
    assert done.returncode in (0, 1), done.stderr
    assert "uploaded as assessment" in done.stderr and (tmp_path / "report.json").exists()
    assessment_id = int(done.stderr.split("uploaded as assessment ")[1].split()[0])
    with org.client("vera") as c:
        stored = c.get(f"/api/v1/assessments/{assessment_id}").json()
        on_branch = c.get("/api/v1/projects/alpha/assessments", params={"branch": "feature/upload"}).json()
    assert stored["commit"] == CI["GITHUB_SHA"] and stored["branch"] == "feature/upload"
    assert stored["pipeline"] == "https://github.example.com/acme/alpha/actions/runs/4242"
    assert stored["project_id"] == org.projects["alpha"] and stored["uploaded_by"] == "ci"
    assert assessment_id in [a["id"] for a in on_branch["items"]]


def test_a_refused_upload_fails_before_anything_is_written(org: Org, tmp_path: Path) -> None:
    out = tmp_path / "report.json"
    done = assess(org, org.tokens["vera"], out)
    assert done.returncode == 2
    assert "refused the report (403)" in done.stderr and "Traceback" not in done.stderr
    assert org.tokens["vera"] not in done.stderr + done.stdout
    assert not out.exists()
    clear = assess(org, org.tokens["ci"], out, url="http://secplan.example.com")
    assert clear.returncode == 2 and "use https://" in clear.stderr and not out.exists()


def test_the_github_action_uploads_when_given_a_url(org: Org, tmp_path: Path) -> None:
    import yaml

    action = yaml.safe_load((Path(__file__).resolve().parents[2] / "action.yml").read_text(encoding="utf-8"))
    step = next(s for s in action["runs"]["steps"] if s.get("id") == "assess")
    env = {k: v for k, v in org.env.items() if k != "SECPLAN_DATABASE_URL"}
    env.update(CI, PATH=f"{Path(sys.executable).parent}:{env.get('PATH', '/usr/bin:/bin')}",
               PROJECT=str(org.root / "alpha"), FAIL_ON="critical", SARIF=str(tmp_path / "s.sarif"),
               UPLOAD_URL=org.url, SECPLAN_SERVER_TOKEN=org.tokens["ci"],
               GITHUB_STEP_SUMMARY=str(tmp_path / "summary.md"), GITHUB_OUTPUT=str(tmp_path / "out.txt"))
    done = subprocess.run(["bash", "-e", "-c", step["run"]], cwd=tmp_path, env=env, capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "out.txt").read_text().strip() == "exit-code=0", done.stderr
    assert "uploaded as assessment" in done.stderr
