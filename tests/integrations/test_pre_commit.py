"""The pre-commit hooks, run by the real `pre-commit` tool on a temporary git repository.

pre-commit installs secplan from a repository at a commit, as a user's configuration names it: the
test commits this checkout's files (tracked and new) to a throw-away copy and points at that commit.
"""

from __future__ import annotations

import os
import pickle
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from secplan import filetypes

ROOT = Path(__file__).resolve().parents[2]
PRE_COMMIT = Path(sys.executable).with_name("pre-commit")
HOOKS = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))

pytestmark = pytest.mark.skipif(not PRE_COMMIT.exists() or shutil.which("git") is None,
                                reason="pre-commit (test extra) and git are needed")


def _git(cwd: Path, *args: str) -> str:
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.org",
           "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.org"}
    return subprocess.run(["git", *args], cwd=cwd, env=env, check=True, capture_output=True, text=True).stdout


class _Unsafe:
    def __reduce__(self):  # a payload the scanner must refuse; it is never unpickled
        return (os.system, ("echo owned",))


@pytest.fixture(scope="module")
def hooks_repo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """A copy of this checkout (tracked and untracked, not ignored) committed once."""
    copy = tmp_path_factory.mktemp("secplan-hooks")
    listed = subprocess.run(["git", "ls-files", "-co", "--exclude-standard", "-z"], cwd=ROOT, check=True,
                            capture_output=True).stdout.split(b"\0")
    for name in filter(None, listed):
        source = ROOT / os.fsdecode(name)
        if source.is_file():
            target = copy / os.fsdecode(name)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)
    _git(copy, "init", "-q")
    _git(copy, "add", "-A")
    _git(copy, "commit", "-qm", "hooks under test")
    return copy, _git(copy, "rev-parse", "HEAD").strip()


@pytest.fixture(scope="module")
def pre_commit_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("pre-commit-home")


def _project(tmp_path: Path, hooks: tuple[Path, str]) -> Path:
    repo, rev = hooks
    project = tmp_path / "ml-project"
    project.mkdir()
    _git(project, "init", "-q")
    config = {"repos": [{"repo": str(repo), "rev": rev,
                         "hooks": [{"id": h["id"]} for h in HOOKS]}]}
    (project / ".pre-commit-config.yaml").write_text(yaml.safe_dump(config), encoding="utf-8")
    return project


def _run(project: Path, home: Path) -> subprocess.CompletedProcess[str]:
    _git(project, "add", "-A")
    env = {**os.environ, "PRE_COMMIT_HOME": str(home), "NO_COLOR": "1"}
    env.pop("SECPLAN_DATABASE_URL", None)
    return subprocess.run([str(PRE_COMMIT), "run", "--all-files"], cwd=project, env=env, capture_output=True,
                          text=True, timeout=900)


def test_the_model_hook_covers_every_model_suffix() -> None:
    pattern = re.compile(next(h["files"] for h in HOOKS if h["id"] == "secplan-model-scan"))
    assert [s for s in sorted(filetypes.MODEL_SUFFIXES) if not pattern.search("models/m" + s.upper())] == []
    assert pattern.search("train.py") is None
    assert all(h["minimum_pre_commit_version"] == "3.2.0" for h in HOOKS)


def test_hooks_fail_on_problems_and_pass_once_fixed(tmp_path: Path, hooks_repo, pre_commit_home: Path) -> None:
    project = _project(tmp_path, hooks_repo)
    (project / "models").mkdir()
    (project / "models" / "model.pkl").write_bytes(pickle.dumps(_Unsafe()))
    (project / "settings.py").write_text('API_KEY = "AKIAQ3EGUQ5BRZVN7XAT"\n', encoding="utf-8")
    (project / "secplan.yaml").write_text("version: 1\nproject: [not, a, mapping]\n", encoding="utf-8")

    failed = _run(project, pre_commit_home)
    assert failed.returncode == 1, failed.stdout + failed.stderr
    report = failed.stdout
    for hook in ("secplan model scan", "secplan secrets", "secplan plan check"):
        assert re.search(rf"^{re.escape(hook)}\.+Failed$", report, re.M), report
    assert "unsafe" in report and "posix.system" in report
    assert "secret-in-code" in report and "AKIAQ3EGUQ5BRZVN7XAT" not in report
    assert "secplan.yaml" in report

    (project / "models" / "model.pkl").write_bytes(pickle.dumps({"weights": [0.1, 0.2]}))
    (project / "settings.py").write_text('import os\nAPI_KEY = os.environ["API_KEY"]\n', encoding="utf-8")
    (project / "secplan.yaml").unlink()
    subprocess.run([sys.executable, "-m", "secplan", "init", str(project)], check=True, capture_output=True,
                   env={k: v for k, v in os.environ.items() if k != "SECPLAN_DATABASE_URL"})
    passed = _run(project, pre_commit_home)
    assert passed.returncode == 0, passed.stdout + passed.stderr
    for hook in ("secplan model scan", "secplan secrets", "secplan plan check"):
        assert re.search(rf"^{re.escape(hook)}\.+Passed$", passed.stdout, re.M), passed.stdout
