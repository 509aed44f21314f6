"""Hostile and wrongly shaped project files: the platform scan names each one and scans the rest.

Every case is placed beside a file with a known secret; the scan must still find that secret, warn
about the bad file by name, and never fail with an internal error.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from secplan.platform.scan import scan_project
from tests.hardening.cases import billion_laughs

SECRET_FILE = ("settings.py", 'AWS_SECRET_ACCESS_KEY = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEYQ9"\n'
                              'aws_access_key_id = "AKIAQ3EGUQ5BRZVN7XAT"\n')
DEEP = 50_000

WRONG_SHAPES = {
    "poetry.lock": '[package]\nname = "x"\n',  # a table where an array of tables belongs
    "uv.lock": '[[package]]\nname = 3\nversion = "1.0"\n',  # a number where a name belongs
    "pylock.toml": 'packages = "numpy"\n',
    "Pipfile.lock": json.dumps({"default": ["requests==2.0"]}),
    "pyproject.toml": '[project]\ndependencies = "numpy==1.0"\n',
    "environment.yml": "dependencies: {pip: numpy}\n",
    "analysis.ipynb": json.dumps({"cells": {"source": "print(1)"}}),
    "cells.ipynb": json.dumps({"cells": [{"cell_type": "code", "source": [1, 2]}]}),
    "list.ipynb": json.dumps([1, 2, 3]),
}

DEEP_NESTING = {
    "Pipfile.lock": "[" * DEEP + "]" * DEEP,
    "poetry.lock": "x = " + "[" * DEEP + "]" * DEEP + "\n",
    "pyproject.toml": "[project]\nx = " + "{a = " * 3000 + "1" + "}" * 3000 + "\n",
    "deploy.yaml": "apiVersion: v1\nkind: Pod\nspec: " + "[" * DEEP + "]" * DEEP + "\n",
    "notebook.ipynb": '{"cells": ' + "[" * DEEP + "]" * DEEP + "}",
    "compose.yaml": "services: " + "{a: " * 3000 + "1" + "}" * 3000 + "\n",
    "calc.py": "x = " + "(" * 150 + "1" + ")" * 150 + "\n" + "y = " + "+".join(["1"] * 100_000) + "\n",
}

BOMBS = {
    "compose.yaml": "services: {}\n" + billion_laughs(),
    "k8s.yaml": "apiVersion: v1\nkind: ConfigMap\n" + billion_laughs(),
    "environment.yml": billion_laughs(),
}


def _project(root, files):
    for name, text in {**files, SECRET_FILE[0]: SECRET_FILE[1]}.items():
        (root / name).write_text(text)
    return root


@pytest.mark.parametrize("cases", [WRONG_SHAPES, DEEP_NESTING, BOMBS], ids=["wrong-shape", "deep", "bomb"])
def test_scan_reports_each_bad_file_and_goes_on(project_dir, cases):
    result = scan_project(_project(project_dir, cases))
    assert any(f.path == "settings.py" and f.rule == "secret-in-code" for f in result.findings)
    for name in cases:
        if name == "calc.py":
            continue  # deep Python is analysed or skipped, never a crash
        assert any(w.startswith(name) for w in result.warnings), (name, result.warnings)


@pytest.mark.parametrize("cases", [WRONG_SHAPES, DEEP_NESTING, BOMBS], ids=["wrong-shape", "deep", "bomb"])
def test_cli_never_fails_internally(project_dir, cases):
    _project(project_dir, cases)
    env = {**os.environ, "SECPLAN_DATABASE_URL": ""}
    proc = subprocess.run([sys.executable, "-m", "secplan", "platform", "scan", str(project_dir), "--format", "json"],
                          capture_output=True, text=True, timeout=120, env=env)
    assert proc.returncode in (0, 1), proc.stderr[-2000:]
    assert "Traceback" not in proc.stderr
    assert "settings.py" in proc.stdout


def test_wrong_shape_message_names_the_field(project_dir):
    result = scan_project(_project(project_dir, {"uv.lock": WRONG_SHAPES["uv.lock"]}))
    assert any(w.startswith("uv.lock: package.0.name: Input should be a valid string") for w in result.warnings)
