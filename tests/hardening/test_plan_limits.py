"""A hostile plan file is refused by `plan check` and `assess` with exit 2, quickly and in little memory."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from tests.hardening.cases import billion_laughs


@pytest.mark.parametrize("command", [["plan", "check"], ["assess", "--no-store"]])
@pytest.mark.parametrize("body", [billion_laughs(), "x: " + "[" * 3000 + "]" * 3000 + "\n"])
def test_hostile_plan(project_dir, command, body):
    (project_dir / "secplan.yaml").write_text("version: 1\nproject:\n  name: demo\n" + body)
    env = {**os.environ, "SECPLAN_DATABASE_URL": ""}
    proc = subprocess.run([sys.executable, "-m", "secplan", *command, str(project_dir)],
                          capture_output=True, text=True, timeout=60, env=env)
    assert proc.returncode == 2, proc.stderr
    assert "secplan.yaml" in proc.stderr and "Traceback" not in proc.stderr
    assert "aliases are expanded" in proc.stderr or "nesting deeper than" in proc.stderr
