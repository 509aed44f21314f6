"""Risky-code AST checks: planted calls fire (with import aliases resolved), safe calls stay quiet."""

from __future__ import annotations

import json
from pathlib import Path

from secplan.platform.code import check_python
from secplan.platform.scan import Scanner, scan_project

PLANTED = """
import torch
import pickle as pk
import numpy as np
import yaml
import joblib
import subprocess
import requests
from dill import loads
from transformers import AutoModelForCausalLM
from tensorflow import keras
from langchain_community.vectorstores import FAISS
import pandas as pd

a = torch.load("m.pt")
b = torch.load("m.pt", weights_only=False)
c = pk.loads(blob)
d = joblib.load("model.joblib")
e = loads(blob)
f = np.load("x.npy", allow_pickle=True)
g = yaml.load(text)
h = yaml.load(text, Loader=yaml.Loader)
i = yaml.unsafe_load(text)
j = AutoModelForCausalLM.from_pretrained("org/model", trust_remote_code=True)
k = keras.models.load_model("m.keras", safe_mode=False)
l = FAISS.load_local("idx", emb, allow_dangerous_deserialization=True)
m = requests.get("https://internal", verify=False)
n = subprocess.run(cmd, shell=True)
o = pd.read_pickle("df.pkl")
"""
EXPECTED = [
    (15, "torch-load-unsafe"), (16, "torch-load-unsafe"), (17, "pickle-load"), (18, "pickle-load"), (19, "pickle-load"),
    (20, "numpy-allow-pickle"), (21, "yaml-unsafe-load"), (22, "yaml-unsafe-load"), (23, "yaml-unsafe-load"),
    (24, "trust-remote-code"), (25, "keras-unsafe-mode"), (26, "dangerous-deserialization"),
    (27, "tls-verify-disabled"), (28, "subprocess-shell"), (29, "pickle-load"),
]
SAFE = """
import torch, yaml, numpy as np, subprocess, requests
from safetensors.torch import load_file
from transformers import AutoModel

a = torch.load("m.pt", weights_only=True)
b = load_file("m.safetensors")
c = np.load("x.npy")
d = np.load("x.npy", allow_pickle=False)
e = yaml.safe_load(text)
f = yaml.load(text, Loader=yaml.SafeLoader)
g = yaml.load(text, yaml.CSafeLoader)
h = AutoModel.from_pretrained("org/model", trust_remote_code=False)
i = requests.get("https://internal", verify="/etc/ca.pem")
j = subprocess.run(["ls", "-l"], check=True)
k = model.load("x")          # not a known loader
l = mylib.pickle.load(fh)    # a different module named pickle is not resolved as pickle
"""


def test_planted_calls_fire_with_aliases_resolved() -> None:
    assert sorted((f.line, f.rule) for f in check_python(PLANTED, "train.py")) == EXPECTED


def test_safe_calls_stay_quiet() -> None:
    assert list(check_python(SAFE, "serve.py")) == []


def test_notebook_code_cells_with_magics_and_shell_escapes(project_dir: Path, write) -> None:
    cells = [
        {"cell_type": "code", "source": ["%pip install torch\n", "import torch\n", "m = torch.load('x.pt')\n"]},
        {"cell_type": "code", "source": ["!mlflow ui --host 0.0.0.0\n"]},
        {"cell_type": "markdown", "source": ["torch.load('not code')\n"]},
        {"cell_type": "code", "source": ["this is not python ((\n"]},
    ]
    text = json.dumps({"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5}, indent=1)
    write("explore.ipynb", text)
    lines = text.splitlines()
    found = scan_project(project_dir, scanners={Scanner.CODE, Scanner.CONFIG}).findings
    # line: the line of the .ipynb file (as code scanning shows it); cell: the cell and the line inside it
    assert sorted((f.rule, f.member, f.line, f.cell_line) for f in found) == [
        ("mlflow-no-auth", "cell 2", next(i for i, x in enumerate(lines, 1) if "!mlflow" in x), 1),
        ("torch-load-unsafe", "cell 1", next(i for i, x in enumerate(lines, 1) if "torch.load('x.pt')" in x), 3)]
    assert {f.to_json()["cell"]["index"] for f in found} == {1, 2}


def test_python_syntax_error_is_a_warning(project_dir: Path, write) -> None:
    write("broken.py", "def f(:\n")
    write("ok.py", "import pickle\npickle.load(f)\n")
    result = scan_project(project_dir, scanners={Scanner.CODE})
    assert [f.rule for f in result.findings] == ["pickle-load"]
    assert any(w.startswith("broken.py:1: Python syntax error") for w in result.warnings)
