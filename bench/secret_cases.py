"""Secret cases of the kinds gitleaks' and detect-secrets' own test suites hold, written from their
documentation (gitleaks' rule list and allow comments; detect-secrets' plugin list, its keyword
detector's per-language forms and its inline allowlist pragma), one file each.

Positives: a generated credential in the shape one rule family or one file format documents.
Negatives: what those docs call not a secret (placeholders, references, documented example keys,
templates, allowlisted lines, baselines, digests). Values are drawn at run time from a seeded
generator, so this module holds no credential and trips no scanner.
"""

from __future__ import annotations

import base64
import gzip
import json
import random
import string
import zipfile

AN = string.ascii_letters + string.digits
HEX = "0123456789abcdef"
UP = string.ascii_uppercase + string.digits


def cases(seed: int = 11) -> list[tuple[str, bytes, str | None]]:
    """(file name, content, family) for each case; family None for a negative."""
    rng = random.Random(seed)

    def r(n: int, alphabet: str = AN) -> str:
        return "".join(rng.choice(alphabet) for _ in range(n))

    pw = r(6) + "#" + r(5) + "!"
    out: list[tuple[str, str | bytes, str | None]] = [
        # --- keyword forms per language (detect-secrets' keyword detector) -------------------------
        ("kw/app.py", f'db_password = "{pw}"\n', "keyword-python"),
        ("kw/config.js", f'const config = {{ password: "{pw}" }};\n', "keyword-js"),
        ("kw/main.go", f'package main\n\nfunc main() {{\n\tpassword := "{pw}"\n\t_ = password\n}}\n', "keyword-go"),
        ("kw/Db.java", f'class Db {{ String dbPassword = "{pw}"; }}\n', "keyword-java"),
        ("kw/db.php", f"<?php\n$password = '{pw}';\n", "keyword-php"),
        ("kw/db.c", f'char password[] = "{pw}";\n', "keyword-c"),
        ("kw/Db.m", f'NSString *password = @"{pw}";\n', "keyword-objc"),
        ("kw/db.rb", f'config.password = "{pw}"\n', "keyword-ruby"),
        ("kw/deploy.cs", f'var clientSecret = "{r(32)}";\n', "keyword-csharp"),
        ("kw/settings.yaml", f"database:\n  password: {pw}\n", "keyword-yaml"),
        ("kw/app.ini", f"[db]\npassword = {pw}\n", "keyword-ini"),
        ("kw/.env", f"API_KEY={r(32)}\n", "keyword-env"),
        ("kw/run.sh", f"#!/bin/sh\nexport AWS_SECRET_ACCESS_KEY={r(40, AN + '/+')}\n", "keyword-shell"),
        ("kw/app.properties", f"spring.datasource.password={pw}\n", "keyword-properties"),
        ("kw/pyproject.toml", f'[tool.publish]\ntoken = "{r(36)}"\n', "keyword-toml"),
        ("kw/settings.json", json.dumps({"service": {"api_key": r(32, HEX)}}, indent=2), "keyword-json"),
        ("kw/Dockerfile", f"FROM python:3.12-slim\nENV API_TOKEN={r(32)}\n", "keyword-dockerfile"),
        ("kw/web.xml", f"<config>\n  <password>{pw}</password>\n</config>\n", "keyword-xml"),
        ("kw/django_settings.py", f"SECRET_KEY = 'django-insecure-{r(40, AN + '!@#%^&*(-_=+)')}'\n", "django-secret"),
        ("kw/k8s-secret.yaml", "apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\ndata:\n  password: "
         + base64.b64encode(pw.encode()).decode() + "\n", "k8s-secret-data"),
        # --- high-entropy strings (detect-secrets' hex and base64 plugins) ------------------------
        ("he/keys.py", f'signing_secret = "{r(64, HEX)}"\n', "entropy-hex"),
        ("he/keys2.py", f'SECRET = "{base64.b64encode(rng.randbytes(33)).decode()}"\n', "entropy-base64"),
        # --- credentials in URLs (detect-secrets' basic auth; gitleaks' URL rules) ----------------
        ("url/client.py", f'BASE = "https://admin:{r(12)}@internal.corp.lan/api"\n', "basic-auth-url"),
        ("url/db.py", f'DATABASE_URL = "mysql://app:{r(14)}@db.corp.lan:3306/app"\n', "database-url"),
        ("url/pip.conf", f"[global]\nextra-index-url = https://ci:{r(20)}@pkgs.corp.lan/simple\n", "index-url"),
        ("url/.npmrc", f"//registry.npmjs.org/:_authToken=npm_{r(36)}\n", "npmrc-token"),
        ("url/.pypirc", f"[pypi]\nusername = __token__\npassword = pypi-AgEIcHlwaS5vcmc{r(70, AN + '_-')}\n",
         "pypirc-token"),
        # --- token families (gitleaks' rules; detect-secrets' vendor plugins) ---------------------
        ("tok/aws.py", f'aws_access_key_id = "AKIA{r(16, UP)}"\n', "aws-access-key"),
        ("tok/azure.py", f'CONN = "DefaultEndpointsProtocol=https;AccountName=ml;AccountKey={r(86, AN + "+/")}==;"\n',
         "azure-storage-key"),
        ("tok/gcp.json", json.dumps({"type": "service_account", "private_key_id": r(40, HEX),
                                      "private_key": "-----BEGIN PRIVATE KEY-----\n" + r(64, AN + "+/") + "\n"
                                      + r(64, AN + "+/") + "\n-----END PRIVATE KEY-----\n"}, indent=2), "gcp-sa"),
        ("tok/google.py", f'MAPS_KEY = "AIza{r(35, AN + "_-")}"\n', "google-api-key"),
        ("tok/github.py", f'token = "ghp_{r(36)}"\n', "github-pat"),
        ("tok/github_fine.py", f'token = "github_pat_{r(22)}_{r(59)}"\n', "github-fine-grained"),
        ("tok/gitlab.py", f'token = "glpat-{r(20, AN + "_-")}"\n', "gitlab-pat"),
        ("tok/slack.py", f'SLACK = "xoxb-{r(11, string.digits)}-{r(12, string.digits)}-{r(24)}"\n', "slack-bot"),
        ("tok/slack_hook.py", f'HOOK = "https://hooks.slack.com/services/T{r(8, UP)}/B{r(8, UP)}/{r(24)}"\n',
         "slack-webhook"),
        ("tok/stripe.py", f'stripe.api_key = "sk_live_{r(24)}"\n', "stripe"),
        ("tok/twilio.py", f'TWILIO_KEY = "SK{r(32, HEX)}"\n', "twilio"),
        ("tok/sendgrid.py", f'SENDGRID = "SG.{r(22, AN + "_-")}.{r(43, AN + "_-")}"\n', "sendgrid"),
        ("tok/mailchimp.py", f'MAILCHIMP_API_KEY = "{r(32, HEX)}-us12"\n', "mailchimp"),
        ("tok/square.py", f'SQUARE_TOKEN = "EAAA{r(60, AN + "-_")}"\n', "square"),
        ("tok/shopify.py", f'SHOPIFY = "shpat_{r(32, HEX)}"\n', "shopify"),
        ("tok/telegram.py", f'BOT = "{r(10, string.digits)}:AA{r(33, AN + "_-")}"\n', "telegram"),
        ("tok/discord.py", f'HOOK = "https://discord.com/api/webhooks/{r(18, string.digits)}/{r(68, AN + "_-")}"\n',
         "discord-webhook"),
        ("tok/jwt.py", 'TOKEN = "' + ".".join(base64.urlsafe_b64encode(part).decode().rstrip("=") for part in (
            b'{"alg":"HS256","typ":"JWT"}', json.dumps({"sub": r(10), "iat": 1700000000}).encode(), rng.randbytes(32)))
         + '"\n', "jwt"),
        ("tok/id_rsa", "-----BEGIN RSA PRIVATE KEY-----\n" + "\n".join(r(64, AN + "+/") for _ in range(6))
         + "\n-----END RSA PRIVATE KEY-----\n", "private-key"),
        ("tok/openai.py", f'OPENAI_API_KEY = "sk-proj-{r(64, AN + "_-")}"\n', "openai"),
        ("tok/anthropic.py", f'KEY = "sk-ant-api03-{r(93, AN + "_-")}AA"\n', "anthropic"),
        ("tok/hf.py", f'HF_TOKEN = "hf_{r(34)}"\n', "huggingface"),
        ("tok/databricks.py", f'host_token = "dapi{r(32, HEX)}"\n', "databricks"),
        ("tok/age.txt", f"AGE-SECRET-KEY-1{r(58, 'QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L')}\n", "age-secret-key"),
        ("tok/heroku.env", f"HEROKU_API_KEY={r(8, HEX)}-{r(4, HEX)}-{r(4, HEX)}-{r(4, HEX)}-{r(12, HEX)}\n",
         "heroku"),
        ("tok/terraform.tf", f'variable "db_password" {{\n  type    = string\n  default = "{pw}"\n}}\n',
         "terraform-variable"),
        # --- where secrets hide: notebooks and archives (gitleaks' archive tests) ------------------
        ("nb/explore.ipynb", json.dumps({"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": [
            {"cell_type": "code", "metadata": {}, "execution_count": 1, "source": ["import os\n", "os.environ\n"],
             "outputs": [{"output_type": "execute_result", "execution_count": 1, "metadata": {},
                          "data": {"text/plain": [f"environ({{'HF_TOKEN': 'hf_{r(34)}'}})"]}}]}]}, indent=1),
         "notebook-output"),
        ("arc/export.zip", _zip({"conf/.env": f"GITHUB_TOKEN=ghp_{r(36)}\n"}), "zip-member"),
        ("arc/bundle.tar.gz", gzip.compress(_tar({"app/settings.py": f'token = "glpat-{r(20)}"\n'})), "targz-member"),
        # --- negatives: what the tools' docs say is not a secret ----------------------------------
        ("neg/env_ref.py", 'password = os.environ["DB_PASSWORD"]\n', None),
        ("neg/getpass.py", "password = getpass.getpass()\n", None),
        ("neg/empty.py", 'password = ""\n', None),
        ("neg/template.yaml", "password: <your-password>\napi_key: ${API_KEY}\n", None),
        ("neg/changeme.ini", "[db]\npassword = changeme\n", None),
        ("neg/filler.py", 'token = "' + "x" * 40 + '"\n', None),
        ("neg/aws_docs.py", 'aws_access_key_id = "AKIAIOSFODNN7EXAMPLE"\n'
         'aws_secret_access_key = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"\n', None),
        ("neg/.env.example", f"OPENAI_API_KEY=sk-proj-{'x' * 48}\nDB_PASSWORD=changeme\nSECRET_KEY=your-secret-key\n",
         None),
        ("neg/docs/setup.md", "Export your token: `export HF_TOKEN=hf_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx`\n", None),
        ("neg/pragma.py", f'API_KEY = "{r(32)}"  # pragma: allowlist secret\n', None),
        ("neg/pragma_next.py", f'# pragma: allowlist nextline secret\nAPI_KEY = "{r(32)}"\n', None),
        ("neg/gitleaks_allow.py", f'token = "ghp_{r(36)}"  # gitleaks:allow\n', None),
        ("neg/.secrets.baseline", json.dumps({"version": "1.5.0", "results": {"a.py": [
            {"type": "Hex High Entropy String", "hashed_secret": r(40, HEX), "line_number": n} for n in range(5)]}},
            indent=2), None),
        ("neg/commit.py", f'GIT_SHA = "{r(40, HEX)}"\n', None),
        ("neg/digest.py", f'image = "registry.corp.lan/train@sha256:{r(64, HEX)}"\n', None),
        ("neg/run_id.py", f'run_id = "{r(8, HEX)}-{r(4, HEX)}-{r(4, HEX)}-{r(4, HEX)}-{r(12, HEX)}"\n', None),
        ("neg/form.py", 'password_field = "password"\nPASSWORD_MIN_LENGTH = 12\n', None),
        ("neg/oauth.py", 'token_url = "https://oauth2.googleapis.com/token"\nsecret_name = "prod/db/credentials"\n',
         None),
        ("neg/i18n.json", json.dumps({"login": {"password": "Password", "token": "Access token"}}), None),
        ("neg/none.py", "password = None\napi_key: str | None = None\n", None),
        ("neg/hash.py", "password_hash = bcrypt.hashpw(password.encode(), bcrypt.gensalt())\n", None),
        ("neg/package-lock.json", json.dumps({"packages": {"node_modules/x": {
            "integrity": "sha512-" + base64.b64encode(rng.randbytes(64)).decode()}}}, indent=2), None),
        ("neg/jinja.yaml", "password: \"{{ vault_db_password }}\"\n", None),
        ("neg/url_ref.py", 'BROKER = "redis://:${REDIS_PASSWORD}@redis:6379/0"\nDB = "postgresql://app@db/app"\n',
         None),
        ("neg/your_key.py", 'api_key = "YOUR_API_KEY"\nopenai.api_key = "<OPENAI_API_KEY>"\n', None),
        ("neg/image.ipynb", json.dumps({"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": [
            {"cell_type": "code", "metadata": {}, "execution_count": 1, "source": ["plot()\n"],
             "outputs": [{"output_type": "display_data", "metadata": {},
                          "data": {"image/png": base64.b64encode(rng.randbytes(900)).decode()}}]}]}), None),
        ("neg/test_fixture.py", 'FAKE_TOKEN = "test-token-for-unit-tests"\nDUMMY_PASSWORD = "dummy-password"\n', None),
    ]
    return [(name, text.encode() if isinstance(text, str) else text, family) for name, text, family in out]


def _zip(files: dict[str, str]) -> bytes:
    from tests.model_scan.corpus import zip_bytes

    return zip_bytes({name: text.encode() for name, text in files.items()}, zipfile.ZIP_DEFLATED)


def _tar(files: dict[str, str]) -> bytes:
    from tests.model_scan.corpus import tar_bytes

    return tar_bytes({name: text.encode() for name, text in files.items()})
