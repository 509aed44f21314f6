"""Secrets: each rule fires on a planted credential and stays quiet on its safe counterpart; values are
redacted in JSON, SARIF and the table; notebooks are read cell by cell; the baseline accepts findings."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from secplan.platform.secrets import scan_text

# Built at run time so that this file itself does not trip secret scanners.
H = "0123456789abcdef"
PLANTED = {
    "AWS access key id": "aws_key = '" + "AKIA" + "QZ3V7XK2LMN4PR6T" + "'",
    "AWS secret access key": "aws_secret_access_key = " + "wJalrXUtnFEMI/K7MDENG/bPxRfiCYzq9R2w" + "XkLp",
    "GCP service-account private key": '"private_key": "' + "-----BEGIN PRIVATE KEY-----" + "\\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\\n\",",
    "Google API key": "key = 'AIza" + "SyD3xQ7vL0pK2mN9rT4wB8cF1hJ6gE5uZ0a'",
    "Azure storage account key": "DefaultEndpointsProtocol=https;AccountName=ml;AccountKey=" + "q" * 40 + "Zx9" * 15 + "A==",
    "GitHub token": "token = 'ghp_" + "R4nd0mT0k3nV4lu3X9q2W8e7T6y5U4i3O2p1" + "'",
    "GitLab token": "GITLAB = 'glpat-" + "x7Yq2Lm9Pz4Rt8Vw3Ks1" + "'",
    "Slack token": "slack = 'xoxb-" + "1234567890-abcdefghijKLMN" + "'",
    "Slack webhook": "url = 'https://hooks.slack.com/services/T0ABCDEF1/B0ABCDEF2/" + "aB3dE5fG7hJ9kL1mN3pQ5rS7" + "'",
    "Hugging Face token": "HF_TOKEN = 'hf_" + "aBcDeFgHiJkLmNoPqRsTuVwXyZ01234567" + "'",
    "OpenAI API key": "openai.api_key = 'sk-proj-" + "Ab3Cd5Ef7Gh9Ij1Kl3Mn5Op7Qr9St1Uv3Wx5Yz7Ab9Cd1" + "'",
    "Anthropic API key": "client = Anthropic(api_key='sk-ant-api03-" + "Zx9Yw8" * 15 + "AA')",
    "Weights & Biases API key": "WANDB_API_KEY=" + H * 2 + H[:8],
    "Databricks token": "DATABRICKS_TOKEN = 'dapi" + H * 2 + "'",
    "Private key": "-----BEGIN " + "RSA PRIVATE KEY-----",
    "Database URL with password": "DB = 'postgresql+psycopg://mluser:" + "Tr0ub4dor-3xq" + "@db.internal:5432/features'",
    "High-entropy secret assignment": "service_password = '" + "q8W#zL2v!Rk9mT4x" + "'",
}
SAFE = [
    "aws_key = 'AKIAEXAMPLE'",
    "aws_secret_access_key = os.environ['AWS_SECRET_ACCESS_KEY']",
    "HF_TOKEN = os.environ.get('HF_TOKEN')",
    "token = 'ghp_short'",
    "DB = 'postgresql://mluser:${DB_PASSWORD}@db.internal:5432/features'",
    "DB = 'postgresql://localhost:5432/features'",
    "password = 'changeme'",
    "api_key = '<your-api-key-here>'",
    "secret_name = 'projects_prod_model_registry'",
    "token_path = '/var/run/secrets/kubernetes.io/serviceaccount/token'",
    "checksum = 'sha256:" + H * 4 + "'",
    "wandb.init(project='churn', entity='ml-team')",
]


@pytest.mark.parametrize("kind", sorted(PLANTED))
def test_each_rule_fires_and_redacts(kind: str) -> None:
    found = list(scan_text(PLANTED[kind] + "\n", "src/config.py"))
    assert kind in {f.extra["secret_type"] for f in found}, [f.message for f in found]
    for f in found:
        assert f.path == "src/config.py" and f.line == 1 and f.fingerprint and len(f.fingerprint) == 64
        secret_body = PLANTED[kind].split("=")[-1].strip(" '\"")
        if len(secret_body) > 12:
            assert secret_body not in json.dumps(f.to_json())


@pytest.mark.parametrize("line", SAFE)
def test_safe_counterparts_stay_quiet(line: str) -> None:
    assert list(scan_text(line, "x.py")) == []


def _notebook(cells: list[dict]) -> str:
    return json.dumps({"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5})


def test_notebook_sources_and_text_outputs_not_images(project_dir: Path, write, cli) -> None:
    token = "hf_" + "ZyXwVuTsRqPoNmLkJiHgFeDcBa98765432"
    image_token = "hf_" + "ImageOnlyImageOnlyImageOnly0123456"
    write("nb.ipynb", _notebook([
        {"cell_type": "markdown", "source": ["# setup\n"]},
        {"cell_type": "code", "source": ["import os\n", f"login('{token}')\n"], "outputs": []},
        {"cell_type": "code", "source": ["print(env)\n"], "outputs": [
            {"output_type": "stream", "name": "stdout", "text": ["DATABRICKS_TOKEN=dapi" + H * 2 + "\n"]},
            {"output_type": "display_data", "data": {"image/png": image_token}},
        ]},
    ]))
    r = cli("platform", "scan", project_dir, "-f", "json", "--scanners", "secret")
    assert r.code == 1
    findings = r.json()["findings"]
    where = {(f["member"], f["cell"]["line"], f["secret_type"]) for f in findings}
    assert where == {("cell 2", 2, "Hugging Face token"), ("cell 3 output", 1, "Databricks token")}
    assert {f["line"] for f in findings} == {1}  # the notebook is written on one line of JSON
    assert token not in r.out and image_token not in r.out and "dapi" + H * 2 not in r.out


def test_secrets_redacted_in_every_output_format(project_dir: Path, write, cli) -> None:
    secret = "sk-proj-" + "Ab3Cd5Ef7Gh9Ij1Kl3Mn5Op7Qr9St1Uv3Wx5Yz7Ab9Cd1"
    write("app.py", f"OPENAI_API_KEY = '{secret}'\n")
    for fmt in ("json", "sarif", "table"):
        r = cli("platform", "scan", project_dir, "-f", fmt, "--scanners", "secret")
        assert r.code == 1 and secret not in r.out + r.err and secret[8:30] not in r.out
        assert "OpenAI" in r.out
    out = project_dir.parent / "report.json"
    r = cli("platform", "scan", project_dir, "-f", "json", "-o", out)
    assert secret not in out.read_text() and "sk-p" in out.read_text()


def test_baseline_accepts_known_findings_and_stores_no_values(project_dir: Path, write, cli) -> None:
    token = "ghp_" + "R4nd0mT0k3nV4lu3X9q2W8e7T6y5U4i3O2p1"
    write("ci.sh", f"export GH={token}\n")
    baseline = project_dir.parent / "baseline.json"
    r = cli("platform", "scan", project_dir, "--scanners", "secret", "--write-secrets-baseline", baseline, "-f", "json")
    assert r.code == 1 and "wrote 1 accepted" in r.err
    assert token not in baseline.read_text()
    r = cli("platform", "scan", project_dir, "--scanners", "secret", "--secrets-baseline", baseline, "-f", "json")
    assert r.code == 0 and r.json()["findings"] == []
    write("ci.sh", f"export GH={token}\nexport GH2=ghp_{'Q' * 36}\n")  # a new secret is still reported
    r = cli("platform", "scan", project_dir, "--scanners", "secret", "--secrets-baseline", baseline, "-f", "json")
    assert r.code == 1 and len(r.json()["findings"]) == 1 and r.json()["findings"][0]["line"] == 2
    baseline.write_text("{not json")
    r = cli("platform", "scan", project_dir, "--secrets-baseline", baseline)
    assert r.code == 2 and "not a secplan secrets baseline" in r.err and "Traceback" not in r.err
