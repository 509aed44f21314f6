"""Fuzzing every parser the platform scan and the assessment run over project files.

The property: whatever a file holds, the scan finishes, the file's problem (if any) is a warning
that names it, and no exception other than secplan's own clear errors escapes.
"""

from __future__ import annotations

import gzip
import json
import tempfile
import zipfile
from pathlib import Path

from hypothesis import given

from secplan.platform.scan import scan_project
from tests.fuzz.mutate import FUZZ, mutated
from tests.model_scan.corpus import tar_bytes, zip_bytes

_ENV = b"GITHUB_TOKEN=ghp_Zq8mTr2LpX4vN7kWZq8mTr2LpX4vN7kWaB9c\n"

SEEDS: dict[str, list[bytes]] = {
    "requirements.txt": [b"numpy==1.26.4\n-r other.txt\nrequests>=2 ; python_version > '3.8'\n--hash=sha256:ab\n"],
    "pyproject.toml": [b'[project]\nname = "demo"\ndependencies = ["numpy==1.26.4", "torch>=2"]\n'
                       b'[project.optional-dependencies]\nml = ["scikit-learn==1.4.0"]\n'
                       b'[tool.poetry.dependencies]\npython = "^3.11"\npandas = {version = "2.1.0"}\n'],
    "poetry.lock": [b'[[package]]\nname = "numpy"\nversion = "1.26.4"\n\n[[package]]\nname = "x"\n'
                    b'version = "1"\nsource = {type = "directory"}\n'],
    "uv.lock": [b'version = 1\n[[package]]\nname = "requests"\nversion = "2.31.0"\n'],
    "pylock.toml": [b'lock-version = "1.0"\n[[packages]]\nname = "urllib3"\nversion = "2.0.0"\n'],
    "Pipfile.lock": [json.dumps({"default": {"requests": {"version": "==2.31.0"}, "x": {"git": "u"}},
                                 "develop": {"pytest": {"version": "==8.0"}}}).encode()],
    "environment.yml": [b"name: e\ndependencies:\n  - python=3.11\n  - pip:\n    - numpy==1.26.4\n"],
    "Dockerfile": [b"FROM python:3.11\nUSER root\nRUN pip install x\nCMD [\"jupyter\", \"lab\", \"--ip=0.0.0.0\"]\n"],
    "deploy.yaml": [b"apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: m}\nspec:\n  template:\n"
                    b"    spec:\n      hostNetwork: true\n      containers:\n      - name: c\n        image: x\n"
                    b"        securityContext: {privileged: true}\n"],
    "docker-compose.yml": [b"services:\n  web:\n    image: x\n    privileged: true\n    ports: ['8888:8888']\n"],
    "main.tf": [b'resource "aws_s3_bucket" "b" {\n  acl = "public-read"\n}\n'
                b'resource "aws_sagemaker_notebook_instance" "n" {\n  direct_internet_access = "Enabled"\n}\n'],
    "train.py": [b"import pickle, yaml\nm = pickle.load(open('m.pkl', 'rb'))\nc = yaml.load(open('c'))\n"
                 b"TOKEN = 'hf_abcdefghijklmnopqrstuvwxyzABCDEFGH'\n"],
    "notebook.ipynb": [json.dumps({"cells": [
        {"cell_type": "code", "source": ["!pip install x\n", "import pickle\n"], "outputs": [
            {"output_type": "stream", "text": ["AKIAQ3EGUQ5BRZVN7XAT\n"]}]},
        {"cell_type": "markdown", "source": "notes"}], "nbformat": 4}).encode()],
    "serve.sh": [b"#!/bin/sh\nmlflow server --host 0.0.0.0\njupyter lab --NotebookApp.token=''\n"],
    "config.properties": [b"inference_address=http://0.0.0.0:8080\nallowed_urls=.*\n"],
    # archives the secrets scan reads in memory (nested, too)
    "bundle.zip": [zip_bytes({"app/.env": _ENV, "inner.zip": zip_bytes({"k.env": _ENV})}, zipfile.ZIP_DEFLATED)],
    "logs.tar.gz": [gzip.compress(tar_bytes({"logs/run.log": b"token " + _ENV, "x/.env": _ENV}))],
}


def _scan_one(name: str, data: bytes) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        (root / name).write_bytes(data)
        result = scan_project(root)
        json.dumps(result.to_json())  # the report of whatever was found serialises
        for warning in result.warnings:
            assert name in warning or "advisory database" in warning.lower(), warning


def _fuzz(name: str):
    @FUZZ
    @given(mutated(SEEDS[name]))
    def test(data: bytes) -> None:
        _scan_one(name, data)

    test.__name__ = f"test_fuzz_{name.replace('.', '_').replace('-', '_').lower()}"
    return test


for _name in SEEDS:
    _test = _fuzz(_name)
    globals()[_test.__name__] = _test
