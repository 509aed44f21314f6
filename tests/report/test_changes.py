"""Reports with history: every format says what changed since the previous assessment of the same
project and branch, on SQLite and PostgreSQL, and one run stores one history row whatever it writes."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from secplan.assess.branch import current_branch
from secplan.assess.changes import sparkline
from secplan.assess.history import list_assessments
from secplan.cli.app import main
from secplan.projects import project_of
from secplan.store.db import Store
from tests.probes.helpers import make_project

FORMATS = ("json", "sarif", "md", "html", "xml")


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as exit_info:
        main(list(argv))
    out, err = capsys.readouterr()
    return exit_info.value.code or 0, out, err


def assess(capsys, root: Path, name: str, *extra: str) -> dict[str, Path]:
    reports = {fmt: root / f"{name}.{fmt}" for fmt in FORMATS}
    args = ["assess", str(root), "--format", "table", "-o", str(root / f"{name}.txt")]
    for path in reports.values():
        args += ["--report", str(path)]
    code, _, err = run(capsys, *args, *extra)
    assert code in (0, 1), err  # 1: the gate failed, as it should on these projects
    return reports


@pytest.fixture
def project(project_dir: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    for variable in ("GITHUB_HEAD_REF", "GITHUB_REF_NAME", "CI_COMMIT_BRANCH", "CI_MERGE_REQUEST_SOURCE_BRANCH_NAME",
                     "BUILDKITE_BRANCH", "CIRCLE_BRANCH", "BITBUCKET_BRANCH", "BRANCH_NAME"):
        monkeypatch.delenv(variable, raising=False)
    monkeypatch.setenv("SECPLAN_BRANCH", "main")
    make_project(project_dir, {"data/users.csv": "name,email\nAda,ada@example.com\nBob,bob@example.com\n",
                               "requirements.txt": "numpy==2.1.0\n",
                               "deploy/id_ed25519": "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n"
                                                    "-----END OPENSSH PRIVATE KEY-----\n"})
    return project_dir


def test_every_format_shows_new_and_fixed_findings(store: Store, project: Path, capsys) -> None:
    first = assess(capsys, project, "first")
    assert json.loads(first["json"].read_text())["changes"]["previous"] is None
    assert "first stored assessment of this project on main" in (project / "first.txt").read_text()
    before = {f["id"] for c in json.loads(first["json"].read_text())["controls"] for f in c["findings"]
              if f["outcome"] == "negative" and f["state"] == "open"}

    (project / "requirements.txt").write_text("numpy\n")  # unpinned now: a new finding
    (project / "deploy" / "id_ed25519").unlink()  # the private key is gone: a fixed one
    second = assess(capsys, project, "second")

    doc = json.loads(second["json"].read_text())
    changes = doc["changes"]
    new = {f["id"] for f in changes["new"]}
    fixed = {f["id"] for f in changes["fixed"]}
    assert any(i.startswith("unpinned-dependencies/") for i in new) and not new & before
    assert any(i.startswith("private-key-in-project/") for i in fixed) and fixed <= before
    assert changes["branch"] == "main" and changes["previous"]["assessment"] is not None
    assert [p["score"] for p in changes["trend"]] == [json.loads(first["json"].read_text())["score"], doc["score"]]
    assert changes["trend"][-1]["assessment"] == changes["previous"]["assessment"] + 1

    sarif = json.loads(second["sarif"].read_text())["runs"][0]
    states = {r["partialFingerprints"]["secplanFindingId/v1"]: r.get("baselineState") for r in sarif["results"]
              if r["properties"]["state"] == "open"}
    assert {states[i] for i in new} == {"new"} and set(states.values()) == {"new", "unchanged"}
    assert sarif["properties"]["newFindings"] == len(new) and sarif["properties"]["fixedFindings"] == len(fixed)

    text = (project / "second.txt").read_text()
    assert f"{len(new)} new, {len(fixed)} fixed since assessment" in text and "score trend" in text
    markdown = second["md"].read_text()
    section = markdown.split("## Since the previous assessment", 1)[1].split("\n## ", 1)[0]
    assert "**New**" in section and "**Fixed**" in section and "unpinned-dependencies/" in section
    html = second["html"].read_text()
    assert 'id="changes"' in html and 'class="chart trend"' in html and 'id="changes-fixed"' in html
    suites = ET.parse(second["xml"]).getroot()
    assert {p.get("value") for p in suites.iter("property") if p.get("name") == "secplan.since-previous"}
    assert any("[new]" in (f.text or "") for f in suites.iter("failure"))

    history = list_assessments(store, project_of(store).id)
    assert len(history) == 2  # five report files per run, one stored assessment per run
    code, out, _ = run(capsys, "history", str(project), "-f", "json")
    rows = json.loads(out)
    assert code == 0 and rows[0]["new"] == len(new) and rows[0]["fixed"] == len(fixed) and rows[1]["new"] is None
    assert {r["branch"] for r in rows} == {"main"}


def test_a_branch_is_compared_with_itself(store: Store, project: Path, capsys,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    assess(capsys, project, "main")
    monkeypatch.setenv("SECPLAN_BRANCH", "feature/x")
    feature = json.loads(assess(capsys, project, "feature")["json"].read_text())["changes"]
    assert feature["branch"] == "feature/x" and feature["previous"] is None and feature["new"] == []
    again = json.loads(assess(capsys, project, "again", "--no-store")["json"].read_text())["changes"]
    assert again["previous"]["assessment"] == feature["trend"][-1]["assessment"]
    assert again["trend"][-1]["assessment"] is None  # compared, but not stored
    code, out, _ = run(capsys, "history", str(project), "--branch", "feature/x", "-f", "json")
    assert code == 0 and [r["branch"] for r in json.loads(out)] == ["feature/x"]


def test_without_a_store_reports_have_no_history(project: Path, capsys, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SECPLAN_DATABASE_URL", raising=False)
    reports = assess(capsys, project, "lone", "--no-store")
    assert json.loads(reports["json"].read_text())["changes"] is None
    assert "Since the previous" not in reports["md"].read_text() and 'id="changes"' not in reports["html"].read_text()
    assert not (project / ".secplan").exists()


@pytest.mark.parametrize(("head", "branch"), [("ref: refs/heads/main\n", "main"),
                                              ("ref: refs/heads/release/2.0\n", "release/2.0"),
                                              ("3f2a9c0d1e2b3a4f5e6d7c8b9a0f1e2d3c4b5a69\n", None)])
def test_branch_from_the_checkout(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, head: str,
                                  branch: str | None) -> None:
    for variable in ("SECPLAN_BRANCH", "GITHUB_HEAD_REF", "GITHUB_REF_NAME", "CI_COMMIT_BRANCH",
                     "CI_MERGE_REQUEST_SOURCE_BRANCH_NAME", "BUILDKITE_BRANCH", "CIRCLE_BRANCH",
                     "BITBUCKET_BRANCH", "BRANCH_NAME"):
        monkeypatch.delenv(variable, raising=False)
    (tmp_path / "repo" / ".git").mkdir(parents=True)
    (tmp_path / "repo" / ".git" / "HEAD").write_text(head)
    (tmp_path / "repo" / "ml" / "project").mkdir(parents=True)
    assert current_branch(tmp_path / "repo" / "ml" / "project") == branch
    # a worktree: .git is a file pointing at the real git folder
    (tmp_path / "wt").mkdir()
    (tmp_path / "gitdirs" / "wt").mkdir(parents=True)
    (tmp_path / "gitdirs" / "wt" / "HEAD").write_text(head)
    (tmp_path / "wt" / ".git").write_text(f"gitdir: {tmp_path / 'gitdirs' / 'wt'}\n")
    assert current_branch(tmp_path / "wt") == branch
    # CI checks out a detached HEAD: its variables name the branch
    monkeypatch.setenv("GITHUB_REF_NAME", "main")
    monkeypatch.setenv("GITHUB_HEAD_REF", "fix/login")
    assert current_branch(tmp_path / "repo") == "fix/login"
    assert current_branch(tmp_path / "nowhere") == "fix/login"


def test_sparkline() -> None:
    assert sparkline([0.0, 5.0, 10.0, None]) == "▁▅█ "
    assert sparkline([]) == ""
