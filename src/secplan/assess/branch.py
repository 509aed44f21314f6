"""Which git branch a project is on, so that history compares a branch with itself.

A feature branch's assessment compared with main's would show main's fixes as regressions. CI
runners check out a detached HEAD, so their own variables come first; a checkout is read from
``.git/HEAD`` (worktrees and submodules included) without running git.
"""

from __future__ import annotations

import os
from pathlib import Path

#: CI variables that name the branch being built, most specific first (a pull request's source
#: branch before the ref that was checked out).
CI_BRANCH_VARIABLES = (
    "SECPLAN_BRANCH",
    "GITHUB_HEAD_REF",  # GitHub Actions, pull requests only
    "CI_MERGE_REQUEST_SOURCE_BRANCH_NAME",  # GitLab merge request pipelines
    "CI_COMMIT_BRANCH",  # GitLab branch pipelines
    "GITHUB_REF_NAME",  # GitHub Actions (a tag name on tag builds)
    "BUILDKITE_BRANCH",
    "CIRCLE_BRANCH",
    "BITBUCKET_BRANCH",
    "BRANCH_NAME",  # Jenkins multibranch
)
_MAX_HEAD = 4096


def current_branch(root: Path) -> str | None:
    """The branch of the checkout at ``root``; None when detached or not in a git checkout."""
    for name in CI_BRANCH_VARIABLES:
        value = os.environ.get(name, "").strip()
        if value:
            return value
    head = _head_file(root.resolve())
    if head is None:
        return None
    try:
        text = head.read_bytes()[:_MAX_HEAD].decode("utf-8", "replace").strip()
    except OSError:
        return None
    prefix = "ref: refs/heads/"
    return (text[len(prefix):] or None) if text.startswith(prefix) else None


def _head_file(start: Path) -> Path | None:
    for folder in (start, *start.parents):
        dot_git = folder / ".git"
        if dot_git.is_dir():
            return dot_git / "HEAD"
        if dot_git.is_file():  # a worktree or submodule: "gitdir: <path>"
            try:
                line = dot_git.read_text(encoding="utf-8", errors="replace").strip()
            except OSError:
                return None
            if line.startswith("gitdir:"):
                target = Path(line[len("gitdir:"):].strip())
                return (target if target.is_absolute() else folder / target) / "HEAD"
            return None
    return None


#: CI variables naming the commit being built.
CI_COMMIT_VARIABLES = ("SECPLAN_COMMIT", "GITHUB_SHA", "CI_COMMIT_SHA", "BUILDKITE_COMMIT", "CIRCLE_SHA1",
                       "BITBUCKET_COMMIT", "GIT_COMMIT")
_SHA = frozenset("0123456789abcdef")


def current_commit(root: Path) -> str | None:
    """The commit being assessed: from CI variables, else the checkout's HEAD (a ref or a detached id)."""
    for name in CI_COMMIT_VARIABLES:
        value = os.environ.get(name, "").strip()
        if value:
            return value[:64]
    head = _head_file(root.resolve())
    if head is None:
        return None
    try:
        text = head.read_bytes()[:_MAX_HEAD].decode("utf-8", "replace").strip()
        if text.startswith("ref: "):
            ref = head.parent / text[len("ref: "):]
            text = ref.read_text(encoding="utf-8", errors="replace").strip() if ref.is_file() else ""
    except OSError:
        return None
    return text if len(text) in (40, 64) and set(text) <= _SHA else None


def current_pipeline() -> str | None:
    """The CI run assessing it, as a URL where the CI says one (GitHub, GitLab, Buildkite, CircleCI, Jenkins)."""
    env = os.environ
    if env.get("SECPLAN_PIPELINE"):
        return env["SECPLAN_PIPELINE"].strip()[:2000]
    if env.get("GITHUB_RUN_ID") and env.get("GITHUB_REPOSITORY"):
        server = env.get("GITHUB_SERVER_URL", "https://github.com").rstrip("/")
        return f"{server}/{env['GITHUB_REPOSITORY']}/actions/runs/{env['GITHUB_RUN_ID']}"
    for name in ("CI_PIPELINE_URL", "BUILDKITE_BUILD_URL", "CIRCLE_BUILD_URL", "BUILD_URL"):
        if env.get(name):
            return env[name].strip()[:2000]
    return None
