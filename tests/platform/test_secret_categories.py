"""Secrets by category, each case written from the documentation of the format or the tool users
know: unquoted values, credentials in URLs, Terraform variables, notebook outputs, the allowlist
comments of detect-secrets and gitleaks, baselines, templates and documented examples, and the
token families of ML services. Values are assembled at run time so this file trips no scanner."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from secplan.platform.scan import Scanner, scan_project
from secplan.platform.secrets import scan_text

R = "Zq8mTr2LpX4vN7kW"  # a random-looking 16 character body
HEX = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b"


def kinds(text: str, path: str) -> list[str]:
    return [f.extra["secret_type"] for f in scan_text(text, path)]


# -- unquoted values in configuration files ---------------------------------------------------------
UNQUOTED_FOUND = [
    (".env", "DB_PASSWORD=Sup3r" + "S3cretPw\n"),
    (".env", "export MODEL_API_KEY=" + R + "9aB\n"),
    ("settings.ini", "[database]\nhost = db\npassword = hunter2" + "Qx9z\n"),
    ("config.yaml", "db:\n  user: ml\n  password: Zq8#m" + "Tr2Lp\n"),
    ("app.properties", "spring.datasource.password=Tr0ub4" + "dor3x\n"),
    ("deploy.sh", "#!/bin/sh\nexport SERVICE_TOKEN=" + R + "\n"),
    (".env.production", "SECRET_KEY=" + R + "Qw1\n"),
]
UNQUOTED_QUIET = [
    (".env", "DB_PASSWORD=${DB_PASSWORD}\n"),
    (".env", "PASSWORD=changeme\n"),
    (".env", "TOKEN_TTL=3600\nTOKEN_EXPIRY_DAYS=30\n"),
    (".env", "PASSWORD_FILE=/run/secrets/db_password\n"),
    ("config.yaml", "password: \"{{ vault_db_password }}\"\nsecret_name: prod-db\n"),
    ("config.yaml", "auth:\n  token_required: true\n"),
    ("train.py", "password = get_password()\ntoken = os.environ[\"HF_TOKEN\"]\n"),
    ("settings.ini", "[db]\npassword = %(DB_PASSWORD)s\n"),
]


@pytest.mark.parametrize("path,text", UNQUOTED_FOUND)
def test_unquoted_values_are_found(path, text):
    assert kinds(text, path), text


@pytest.mark.parametrize("path,text", UNQUOTED_QUIET)
def test_unquoted_references_and_settings_are_not(path, text):
    assert kinds(text, path) == [], text


# -- credentials in URLs ------------------------------------------------------------------------------
URLS_FOUND = [
    "twine upload --repository-url https://__token__:" + "pypi-AgEIcHlwaS5vcmc" + "x" * 0 + R * 4 + "@upload.pypi.org/legacy/",
    "pip install --extra-index-url https://build:" + "Zk29sX8qLm" + "@pkgs.corp.internal/simple model-utils",
    "BROKER = 'amqp://worker:R4bb" + "1tPw9@mq.internal:5672//'",
    "git clone https://oauth2:" + "N7kWq8mTr2Lp" + "@gitlab.corp.internal/ml/features.git",
    "MLFLOW_TRACKING_URI=https://ml:" + "Tr0ub4dor3x" + "@mlflow.corp.internal",
    "DB = 'postgresql+psycopg://mluser:" + "Tr0ub4dor-3xq" + "@db.internal:5432/features'",
]
URLS_QUIET = [
    "https://user:${TOKEN}@pkgs.corp.internal/simple",
    "postgresql://user:password@localhost/db",
    "https://user:<password>@host/path",
    "redis://:@localhost:6379/0",
    "see https://docs.python.org/3/library/urllib.parse.html",
    # Connection strings as library documentation writes them (SQLAlchemy, redis-py, Celery docs):
    "engine = create_engine('postgresql+psycopg2://scott:tiger@localhost/test')",
    "oracle+oracledb://scott:tiger@tnsalias",
    "mysql://user:pass@dbhost/app",
    "redis://guest:guest@mq.corp.internal:5672",
    "mssql+pyodbc://sa:Zk29sX8qLm@myhost1/db",
    "https://userid:Zk29sX8qLm@www.example.com/path",
    "amqp://app:Zk29sX8qLm@broker.test:5672//",
    "postgresql://[user]:[password]@localhost/db",
]


@pytest.mark.parametrize("text", URLS_FOUND)
def test_credentials_in_urls(text):
    found = kinds(text, "Makefile")
    assert found and set(found) & {"Credentials in URL", "Database URL with password", "PyPI upload token"}, found


@pytest.mark.parametrize("text", URLS_QUIET)
def test_urls_without_real_credentials(text):
    assert kinds(text, "Makefile") == []


# -- Terraform variables ------------------------------------------------------------------------------
def test_terraform_variable_default_is_a_secret():
    text = 'variable "db_password" {\n  type      = string\n  default   = "Pr0dDb' + 'Pw!2024"\n}\n'
    found = list(scan_text(text, "infra/main.tf"))
    assert [f.extra["secret_type"] for f in found] == ["Secret in a Terraform variable default"]
    assert found[0].line == 3


@pytest.mark.parametrize("text", [
    'variable "db_password" {\n  type = string\n  sensitive = true\n}\n',
    'variable "instance_type" {\n  default = "m5.large"\n}\n',
    'variable "api_token" {\n  default = ""\n}\n',
])
def test_terraform_variables_without_secrets(text):
    assert kinds(text, "main.tf") == []


# -- notebooks: sources and every textual output -------------------------------------------------------
def test_notebook_rich_outputs(project_dir: Path):
    token = "hf_" + "aBcDeFgHiJkLmNoPqRsTuVwXyZ01234567"
    nb = {"cells": [
        {"cell_type": "code", "source": "show()", "outputs": [
            {"output_type": "display_data", "data": {"text/html": [f"<pre>{token}</pre>"], "image/png": "iVBOR"}}]},
        {"cell_type": "code", "source": "cfg", "outputs": [
            {"output_type": "execute_result", "data": {"application/json": {"key": "sk-proj-" + R * 3}}}]},
    ], "nbformat": 4}
    (project_dir / "explore.ipynb").write_text(json.dumps(nb))
    found = scan_project(project_dir, scanners=[Scanner.SECRET]).findings
    assert {f.extra["secret_type"] for f in found} == {"Hugging Face token", "OpenAI API key"}
    assert all(f.member and f.member.endswith("output") for f in found)


# -- the allowlist comments users already write ---------------------------------------------------------
@pytest.mark.parametrize("text", [
    'api_key = "sk-proj-' + R * 3 + '"  # pragma: allowlist secret\n',
    'api_key = "sk-proj-' + R * 3 + '"  # gitleaks:allow\n',
    '# pragma: allowlist nextline secret\napi_key = "sk-proj-' + R * 3 + '"\n',
])
def test_allowlist_comments(text):
    assert kinds(text, "client.py") == []


def test_allowlist_comment_covers_only_its_line():
    text = 'a = "sk-proj-' + R * 3 + '"  # pragma: allowlist secret\nb = "ghp_' + "R4nd0mT0k3nV4lu3X9q2W8e7T6y5U4i3O2p1" + '"\n'
    assert kinds(text, "client.py") == ["GitHub token"]


# -- baselines hold hashes, not secrets ------------------------------------------------------------------
def test_baselines_are_not_scanned(project_dir: Path):
    (project_dir / ".secrets.baseline").write_text(json.dumps({
        "version": "1.5.0", "results": {"a.py": [{"type": "Secret Keyword", "hashed_secret": HEX,
                                                  "line_number": 3}]}}))
    (project_dir / "gitleaks-report.json").write_text(json.dumps([
        {"RuleID": "generic-api-key", "Fingerprint": "a.py:generic-api-key:3", "Secret": "REDACTED",
         "Match": "api_key = " + HEX}]))
    assert scan_project(project_dir, scanners=[Scanner.SECRET]).findings == []


# -- templates and documentation --------------------------------------------------------------------------
@pytest.mark.parametrize("path,text", [
    (".env.example", "OPENAI_API_KEY=sk-proj-" + "x" * 48 + "\nDB_PASSWORD=changeme\nSECRET_KEY=your-secret-key\n"),
    (".env.sample", "DB_PASSWORD=Sup3rS3cretPw\nAPI_KEY=" + R + "\n"),
    ("docs/setup.md", "aws_access_key_id = " + "AKIAIOSFODNN7" + "EXAMPLE\npassword: " + R + "\n"),
    ("README.md", "export HF_TOKEN=hf_" + "x" * 34 + "\n"),
    ("config.py", "AWS_SECRET_ACCESS_KEY = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCY" + "EXAMPLEKEY'\n"),
])
def test_templates_docs_and_documented_examples(path, text):
    assert kinds(text, path) == []


def test_a_real_token_in_a_template_is_still_a_leak():
    token = "hf_" + "Qm8xTz2LpR4vN7kWq9sDf3Gh6Jk1Ly5Bn0"
    assert kinds(f"HF_TOKEN={token}\n", ".env.example") == ["Hugging Face token"]


# -- token families of ML services -------------------------------------------------------------------------
FAMILIES = {
    "PyPI upload token": "pypi-AgEIcHlwaS5vcmc" + R * 4,
    "npm access token": "npm_" + R * 2 + "Ab3x",
    "Google OAuth client secret": "GOCSPX-" + R + "Ab3xQw9zLm2p",
    "Groq API key": "gsk_" + R * 3 + "Ab3x",
    "Replicate API token": "r8_" + R * 2 + "Ab3xQ",
    "Perplexity API key": "pplx-" + R * 3,
    "LangSmith API key": "lsv2_pt_" + HEX[:32] + "_" + HEX[:10],
    "Pinecone API key": "pcsk_" + "Ab3x9_" + R * 4,
    "Stripe secret key": "sk_live_" + R * 2,
    "SendGrid API key": "SG." + R + "Ab3x9Q." + R * 2 + "Ab3x9Qw1Lm2",
    "Telegram bot token": "5723148907:AA" + R * 2 + "Q",
    "JSON web token": "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0." + R + "Ab3x9Qw1",
    "GitLab token": "glrt-" + R + "Ab3x",
    "Shopify access token": "shpat_" + HEX[:32],
    "Mailchimp API key": HEX[:32] + "-us12",
    "age secret key": "AGE-SECRET-KEY-1" + "QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L" * 1 + "QPZRY9X8GF2TVDW0S3JN54KHCE",
}


@pytest.mark.parametrize("kind", sorted(FAMILIES))
def test_token_families(kind):
    assert kind in kinds(f'value = "{FAMILIES[kind]}"\n', "client.py")


def test_heroku_key_under_its_name():
    key = HEX[:8] + "-" + HEX[8:12] + "-" + HEX[12:16] + "-" + HEX[16:20] + "-" + HEX[20:32]
    assert kinds(f"HEROKU_API_KEY={key}\n", ".env") == ["Heroku API key"]
    assert kinds(f'run_id = "{key}"\n', "train.py") == []  # a UUID under another name is an id


# -- password assignments in each language's syntax (detect-secrets' keyword detector documents these forms) --
PW = "hK8#vLq2!mZ9"
PASSWORD_FORMS = [
    ("app.py", f'db_password = "{PW}"\n'),
    ("config.js", f'const config = {{ password: "{PW}" }};\n'),
    ("main.go", f'func main() {{\n\tpassword := "{PW}"\n}}\n'),
    ("Db.java", f'class Db {{ String dbPassword = "{PW}"; }}\n'),
    ("db.php", f"<?php\n$password = '{PW}';\n"),
    ("db.c", f'char password[] = "{PW}";\n'),
    ("Db.m", f'NSString *password = @"{PW}";\n'),
    ("db.rb", f'config.password = "{PW}"\n'),
    ("settings.rb", f'{{ :password => "{PW}" }}\n'),
    ("web.xml", f"<settings>\n  <password>{PW}</password>\n</settings>\n"),
    ("Dockerfile", "FROM python:3.12\nENV API_TOKEN=" + R + "Qw1\n"),
]
PASSWORD_LOOKALIKES = [
    ("app.py", 'password = "Password"\nlabel = "Enter password"\n'),
    ("app.py", 'status = {"password": "FORCE_CHANGE_PASSWORD"}\n'),
    ("app.py", 'password = "password"\npassword_field = "hK8#vLq2!mZ9"\n'),
    ("app.py", 'password = "longpassphrase"\n'),  # a lowercase word: not judged a password
    ("app.py", 'password = "${DB_PASSWORD}"\npwd = "%(pwd)s"\n'),
    ("app.py", 'password = "<your-password>"\npassword = "********"\n'),
    ("web.xml", "<password>${db.password}</password>\n<passwordPolicy>strong-123</passwordPolicy>\n"),
    ("schema.json", '{"AWS::SecretsManager::Secret": "f6b785ff8e74d121"}\n'),
]


@pytest.mark.parametrize("path,text", PASSWORD_FORMS)
def test_password_assignments_in_every_syntax(path, text):
    assert kinds(text, path), text


@pytest.mark.parametrize("path,text", PASSWORD_LOOKALIKES)
def test_labels_constants_and_references_are_not_passwords(path, text):
    assert kinds(text, path) == [], text
