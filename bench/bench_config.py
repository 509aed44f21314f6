"""Benchmark: secplan's configuration checks against Checkov on the cases both cover, in one run.

One generated tree of Kubernetes manifests, Dockerfiles and Terraform files. Each file holds one
planted misconfiguration of a category that both tools have a check for (privileged containers, host
namespaces, root, privilege escalation and capabilities, the Docker socket, resource limits; root
Dockerfiles, `latest` base images, ADD; public S3 ACLs, policies and disabled public access blocks,
public GCS IAM, SageMaker root access, internet access, network isolation and KMS keys, Vertex AI /
Google notebooks with public IPs, public Azure ML workspaces and blob containers), or the documented
safe form of that same setting. The categories map to secplan's rule ids and to Checkov's check ids
(the table below); the variants are the resource kinds each setting is written in (every built-in
workload kind, init containers, Kubernetes PodTemplates and a KServe custom resource; the legacy and
the split S3 resources; three GCS IAM resources; three generations of Google notebooks).

Scored per file: recall = planted files where the tool reports the planted category; false
positives = safe files where it reports the category the file is the safe form of; exact line = hits
whose reported (first) line is the offending key's line. Both tools scan the same tree as fresh
processes (start-up included). Checkov runs from its own venv (it pins its own dependencies):

    python -m venv .bench/checkov-venv && .bench/checkov-venv/bin/pip install checkov==3.3.30
    .venv/bin/python bench/bench_config.py --copies 5
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
CHECKOV = REPO / ".bench" / "checkov-venv" / "bin" / "checkov"
MARK = "  #<"


@dataclass(frozen=True)
class Category:
    secplan: frozenset[str]
    checkov: frozenset[str]


def cat(secplan: str, checkov: str) -> Category:
    return Category(frozenset(secplan.split()), frozenset(checkov.split()))


CATEGORIES = {
    "k8s-privileged": cat("container-privileged", "CKV_K8S_16"),
    "k8s-host-network": cat("container-host-namespace", "CKV_K8S_19"),
    "k8s-host-pid": cat("container-host-namespace", "CKV_K8S_17"),
    "k8s-host-ipc": cat("container-host-namespace", "CKV_K8S_18"),
    "k8s-root-user": cat("container-runs-as-root", "CKV_K8S_23"),
    "k8s-privilege-escalation": cat("container-privilege-escalation", "CKV_K8S_20"),
    "k8s-sys-admin": cat("container-privilege-escalation", "CKV_K8S_39"),
    "k8s-docker-socket": cat("container-socket-mount", "CKV_K8S_27"),
    "k8s-no-limits": cat("k8s-no-resource-limits", "CKV_K8S_11 CKV_K8S_13"),
    "docker-root": cat("dockerfile-runs-as-root", "CKV_DOCKER_8 CKV_DOCKER_3"),
    "docker-latest": cat("dockerfile-unpinned-base", "CKV_DOCKER_7"),
    "docker-add": cat("dockerfile-add-url", "CKV_DOCKER_4"),
    "s3-public-acl": cat("tf-bucket-public", "CKV_AWS_20 CKV_AWS_57 CKV_AWS_375"),
    "s3-public-policy": cat("tf-bucket-public-policy", "CKV_AWS_70"),
    "s3-access-block-off": cat("tf-bucket-public-access-block", "CKV_AWS_53 CKV_AWS_54 CKV_AWS_55 CKV_AWS_56"),
    "gcs-all-users": cat("tf-bucket-public-policy", "CKV_GCP_28"),
    "sagemaker-root": cat("tf-sagemaker-root-access", "CKV_AWS_307"),
    "sagemaker-internet": cat("tf-notebook-internet", "CKV_AWS_122"),
    "sagemaker-isolation": cat("tf-sagemaker-network-isolation", "CKV_AWS_370"),
    "sagemaker-kms": cat("tf-storage-unencrypted", "CKV_AWS_22 CKV_AWS_98"),
    "vertex-public-ip": cat("tf-notebook-internet", "CKV_GCP_89 CKV2_GCP_28 CKV2_GCP_36"),
    "azure-ml-public": cat("tf-public-network-access", "CKV_AZURE_144"),
    "azure-container-public": cat("tf-bucket-public", "CKV_AZURE_34"),
}

# -- Kubernetes --------------------------------------------------------------------------------------

SAFE_CTX = "runAsNonRoot: true\n  runAsUser: 10001\n  allowPrivilegeEscalation: false"
K8S_SETTINGS = {  # category: (pod-level lines, container securityContext lines, volumes), planted / safe
    "k8s-privileged": (("", "privileged: true" + MARK, ""), ("", "privileged: false", "")),
    "k8s-host-network": (("hostNetwork: true" + MARK, "", ""), ("hostNetwork: false", "", "")),
    "k8s-host-pid": (("hostPID: true" + MARK, "", ""), ("hostPID: false", "", "")),
    "k8s-host-ipc": (("hostIPC: true" + MARK, "", ""), ("hostIPC: false", "", "")),
    "k8s-root-user": (("", "runAsUser: 0" + MARK, ""), ("", "", "")),
    "k8s-privilege-escalation": (("", "allowPrivilegeEscalation: true" + MARK, ""), ("", "", "")),
    "k8s-sys-admin": (("", "capabilities:\n  add: [\"SYS_ADMIN\"]" + MARK, ""),
                      ("", "capabilities:\n  drop: [\"ALL\"]", "")),
    "k8s-docker-socket": (("", "", "- name: sock\n  hostPath:\n    path: /var/run/docker.sock" + MARK),
                          ("", "", "- name: data\n  emptyDir: {}")),
    "k8s-no-limits": (("", "", ""), ("", "", "")),
}


def _indent(text: str, spaces: int) -> str:
    return "\n".join(" " * spaces + line if line else line for line in text.splitlines())


def pod_spec(category: str, planted: bool, spaces: int, init: bool) -> str:
    pod, ctx, volumes = K8S_SETTINGS[category][0 if planted else 1]
    if category == "k8s-root-user" and planted:
        base_ctx = "runAsUser: 0" + MARK + "\nallowPrivilegeEscalation: false"
    elif category == "k8s-privilege-escalation" and planted:
        base_ctx = "runAsNonRoot: true\nrunAsUser: 10001\nallowPrivilegeEscalation: true" + MARK
    else:
        base_ctx = "runAsNonRoot: true\nrunAsUser: 10001\nallowPrivilegeEscalation: false" + ("\n" + ctx if ctx else "")
    limits = "" if category == "k8s-no-limits" and planted else \
        "resources:\n  limits: {cpu: \"1\", memory: 1Gi}\n  requests: {cpu: 100m, memory: 128Mi}"
    mark_limits = MARK if category == "k8s-no-limits" and planted else ""
    container = (f"- name: main{mark_limits}\n  image: registry.example.com/ml/app@sha256:{'a' * 64}\n"
                 f"  securityContext:\n{_indent(base_ctx, 4)}\n" + (_indent(limits, 2) + "\n" if limits else ""))
    helper = (f"- name: helper\n  image: registry.example.com/ml/helper@sha256:{'b' * 64}\n"
              f"  securityContext:\n{_indent(SAFE_CTX.replace('  ', ''), 4)}\n"
              "  resources:\n    limits: {cpu: \"1\", memory: 1Gi}\n    requests: {cpu: 100m, memory: 128Mi}\n")
    lists = (f"initContainers:\n{_indent(container, 2)}\ncontainers:\n{_indent(helper, 2)}\n" if init
             else f"containers:\n{_indent(container, 2)}\n")
    text = (pod + "\n" if pod else "") + "automountServiceAccountToken: false\n" + lists
    if volumes:
        text += f"volumes:\n{_indent(volumes, 2)}\n"
    return _indent(text, spaces)


def k8s_doc(kind: str, name: str, category: str, planted: bool, init: bool) -> str:
    meta = f"metadata:\n  name: {name}\n  namespace: ml\n"
    if kind == "Pod":
        return f"apiVersion: v1\nkind: Pod\n{meta}spec:\n{pod_spec(category, planted, 2, init)}\n"
    if kind == "CronJob":
        return (f"apiVersion: batch/v1\nkind: CronJob\n{meta}spec:\n  schedule: \"0 3 * * *\"\n  jobTemplate:\n"
                f"    spec:\n      template:\n        spec:\n          restartPolicy: Never\n"
                f"{pod_spec(category, planted, 10, init)}\n")
    if kind == "PodTemplate":
        return f"apiVersion: v1\nkind: PodTemplate\n{meta}template:\n  spec:\n{pod_spec(category, planted, 4, init)}\n"
    if kind == "InferenceService":
        return (f"apiVersion: serving.kserve.io/v1beta1\nkind: InferenceService\n{meta}spec:\n  predictor:\n"
                f"{pod_spec(category, planted, 4, init)}\n")
    api = "batch/v1" if kind == "Job" else "apps/v1"
    selector = "" if kind == "Job" else f"  selector:\n    matchLabels: {{app: {name}}}\n"
    extra = "  serviceName: svc\n" if kind == "StatefulSet" else ""
    restart = "      restartPolicy: Never\n" if kind == "Job" else ""
    return (f"apiVersion: {api}\nkind: {kind}\n{meta}spec:\n{selector}{extra}  template:\n"
            f"    metadata:\n      labels: {{app: {name}}}\n    spec:\n{restart}{pod_spec(category, planted, 6, init)}\n")


BUILTIN_KINDS = ("Pod", "Deployment", "StatefulSet", "DaemonSet", "Job", "CronJob", "ReplicaSet")
EXTRA_KINDS = ("PodTemplate", "InferenceService")

# -- Dockerfiles -------------------------------------------------------------------------------------

PINNED = "python:3.12.7-slim"


def dockerfile(category: str, planted: bool, variant: int) -> str:
    base = ("python:latest" if variant % 2 else "python") + MARK if category == "docker-latest" and planted else PINNED
    if category == "docker-root" and planted and not variant % 2:
        base += MARK  # no USER at all: the final stage's FROM is the line to fix
    add = ("ADD https://example.com/weights.tar.gz /models/" + MARK if category == "docker-add" and planted
           else "COPY weights.tar.gz /models/")
    if category == "docker-root" and planted:
        user = "USER root" + MARK if variant % 2 else ""
    else:
        user = "RUN useradd --uid 10001 --create-home app\nUSER 10001"
    body = [f"FROM {base}", "WORKDIR /app", "COPY requirements.txt .", "RUN pip install --no-cache-dir -r requirements.txt",
            add, "COPY . .", user, 'HEALTHCHECK CMD ["python", "-c", "import app"]', 'CMD ["python", "-m", "app"]']
    return "\n".join(line for line in body if line) + "\n"


# -- Terraform ---------------------------------------------------------------------------------------

def terraform(category: str, planted: bool, variant: int, n: int) -> str:
    b = f"ml-data-{n}"
    if category == "s3-public-acl":
        acl = ("public-read" if variant % 2 else "public-read-write") if planted else "private"
        if variant % 2:
            return f'resource "aws_s3_bucket_acl" "a{n}" {{\n  bucket = "{b}"\n  acl    = "{acl}"{MARK if planted else ""}\n}}\n'
        return f'resource "aws_s3_bucket" "b{n}" {{\n  bucket = "{b}"\n  acl    = "{acl}"{MARK if planted else ""}\n}}\n'
    if category == "s3-public-policy":
        principal = '"*"' if planted else '{ AWS = "arn:aws:iam::123456789012:role/ml" }'
        return (f'resource "aws_s3_bucket_policy" "p{n}" {{\n  bucket = "{b}"\n  policy = jsonencode({{'
                f'{MARK if planted else ""}\n    Version = "2012-10-17"\n    Statement = [{{\n      Effect    = "Allow"\n'
                f'      Principal = {principal}\n      Action    = "s3:GetObject"\n'
                f'      Resource  = "arn:aws:s3:::{b}/*"\n    }}]\n  }})\n}}\n')
    if category == "s3-access-block-off":
        keys = ["block_public_acls", "block_public_policy", "ignore_public_acls", "restrict_public_buckets"]
        off = keys[variant % 4] if planted else None
        lines = "".join(f'  {k} = {"false" + MARK if k == off else "true"}\n' for k in keys)
        return f'resource "aws_s3_bucket_public_access_block" "p{n}" {{\n  bucket = "{b}"\n{lines}}}\n'
    if category == "gcs-all-users":
        member = ("allUsers" if variant % 2 else "allAuthenticatedUsers") if planted else \
            "serviceAccount:trainer@p.iam.gserviceaccount.com"
        if variant % 2:
            return (f'resource "google_storage_bucket_iam_member" "m{n}" {{\n  bucket = "{b}"\n'
                    f'  role   = "roles/storage.objectViewer"\n  member = "{member}"{MARK if planted else ""}\n}}\n')
        return (f'resource "google_storage_bucket_iam_binding" "m{n}" {{\n  bucket  = "{b}"\n'
                f'  role    = "roles/storage.objectViewer"\n  members = ["{member}"]{MARK if planted else ""}\n}}\n')
    if category in ("sagemaker-root", "sagemaker-internet", "sagemaker-kms") and not (
            category == "sagemaker-kms" and variant % 2):
        root = ('  root_access            = "Enabled"' + MARK if category == "sagemaker-root" and planted
                else '  root_access            = "Disabled"')
        internet = ('  direct_internet_access = "Enabled"' + MARK if category == "sagemaker-internet" and planted
                    else '  direct_internet_access = "Disabled"')
        kms = "" if category == "sagemaker-kms" and planted else "  kms_key_id             = aws_kms_key.ml.arn\n"
        head = f'resource "aws_sagemaker_notebook_instance" "nb{n}" {{' + (MARK if kms == "" else "")
        return (f'{head}\n  name                   = "nb{n}"\n  role_arn               = aws_iam_role.nb.arn\n'
                f'  instance_type          = "ml.t3.medium"\n  subnet_id              = aws_subnet.private.id\n'
                f'  security_groups        = [aws_security_group.nb.id]\n{root}\n{internet}\n{kms}'
                f'  instance_metadata_service_configuration {{\n    minimum_instance_metadata_service_version = "2"\n'
                f'  }}\n}}\n')
    if category == "sagemaker-kms":
        kms = "" if planted else "  kms_key_arn = aws_kms_key.ml.arn\n"
        return (f'resource "aws_sagemaker_endpoint_configuration" "ep{n}" {{{MARK if planted else ""}\n'
                f'  name = "ep{n}"\n{kms}  production_variants {{\n    variant_name = "main"\n'
                f'    model_name   = "m{n}"\n    instance_type = "ml.m5.large"\n  }}\n}}\n')
    if category == "sagemaker-isolation":
        iso = ("  enable_network_isolation = false" + MARK if variant % 2 else "") if planted else \
            "  enable_network_isolation = true"
        head = f'resource "aws_sagemaker_model" "m{n}" {{' + (MARK if planted and not variant % 2 else "")
        return (f'{head}\n  name               = "m{n}"\n  execution_role_arn = aws_iam_role.sm.arn\n'
                f'  primary_container {{\n    image = "123456789012.dkr.ecr.eu-west-1.amazonaws.com/m:1"\n  }}\n'
                + (iso + "\n" if iso else "") + "}\n")
    if category == "vertex-public-ip":
        kind = variant % 3
        if kind == 0:
            value = "false" + MARK if planted else "true"
            return (f'resource "google_notebooks_instance" "nb{n}" {{\n  name = "nb{n}"\n  location = "us-central1-a"\n'
                    f'  machine_type = "e2-medium"\n  no_public_ip = {value}\n  disk_encryption = "CMEK"\n'
                    f'  kms_key = "projects/p/locations/l/keyRings/r/cryptoKeys/k"\n}}\n')
        if kind == 1:
            value = "false" + MARK if planted else "true"
            return (f'resource "google_workbench_instance" "wb{n}" {{\n  name = "wb{n}"\n  location = "us-central1-a"\n'
                    f'  gce_setup {{\n    machine_type      = "e2-standard-4"\n    disable_public_ip = {value}\n  }}\n}}\n')
        value = "false" + MARK if planted else "true"
        return (f'resource "google_notebooks_runtime" "rt{n}" {{\n  name = "rt{n}"\n  location = "us-central1"\n'
                f'  virtual_machine {{\n    virtual_machine_config {{\n      machine_type     = "n1-standard-4"\n'
                f'      internal_ip_only = {value}\n      data_disk {{\n        initialize_params {{\n'
                f'          disk_size_gb = "100"\n        }}\n      }}\n    }}\n  }}\n}}\n')
    if category == "azure-ml-public":
        value = "true" + MARK if planted else "false"
        return (f'resource "azurerm_machine_learning_workspace" "ws{n}" {{\n  name = "ws{n}"\n  location = "westeurope"\n'
                f'  resource_group_name = "rg"\n  application_insights_id = "ai"\n  key_vault_id = "kv"\n'
                f'  storage_account_id = "sa"\n  identity {{\n    type = "SystemAssigned"\n  }}\n'
                f'  public_network_access_enabled = {value}\n}}\n')
    if category == "azure-container-public":
        value = ('"blob"' if variant % 2 else '"container"') + MARK if planted else '"private"'
        return (f'resource "azurerm_storage_container" "c{n}" {{\n  name = "models{n}"\n'
                f'  storage_account_name = "mlstore"\n  container_access_type = {value}\n}}\n')
    raise ValueError(category)


# -- the tree ----------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Case:
    category: str
    variant: str
    planted: bool
    line: int | None
    """The offending key's line (planted files)."""


def _write(root: Path, rel: str, text: str) -> int | None:
    lines = text.splitlines()
    line = next((i for i, x in enumerate(lines, 1) if MARK in x), None)
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text.replace(MARK, ""), encoding="utf-8")
    return line


def generate(root: Path, copies: int) -> dict[str, Case]:
    truth: dict[str, Case] = {}
    n = 0
    for copy in range(copies):
        for planted in (True, False):
            tag = "bad" if planted else "ok"
            for category in K8S_SETTINGS:
                for kind in BUILTIN_KINDS + EXTRA_KINDS:
                    n += 1
                    init = (n + copy) % 3 == 0
                    rel = f"c{copy}/k8s/{category}-{kind.lower()}-{tag}-{n}.yaml"
                    line = _write(root, rel, k8s_doc(kind, f"app-{n}", category, planted, init))
                    truth[rel] = Case(category, kind + (" init" if init else ""), planted, line)
            for category in ("docker-root", "docker-latest", "docker-add"):
                for variant in range(2):
                    n += 1
                    rel = f"c{copy}/docker/{category}-{variant}-{tag}-{n}/Dockerfile"
                    truth[rel] = Case(category, f"variant {variant}", planted,
                                      _write(root, rel, dockerfile(category, planted, variant)))
            for category in [c for c in CATEGORIES if not c.startswith(("k8s-", "docker-"))]:
                for variant in range(3 if category == "vertex-public-ip" else 2):
                    n += 1
                    rel = f"c{copy}/tf/{category}-{variant}-{tag}-{n}/main.tf"
                    truth[rel] = Case(category, f"variant {variant}", planted,
                                      _write(root, rel, terraform(category, planted, variant, n)))
    return truth


# -- the tools ---------------------------------------------------------------------------------------

Reported = dict[str, dict[str, list[int | None]]]
"""path -> rule or check id -> first lines reported."""


def run_secplan(root: Path) -> tuple[float, Reported]:
    start = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "secplan", "platform", "scan", str(root), "--scanners", "config",
                           "-f", "json", "--no-store", "--fail-on", "critical"], capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if proc.returncode not in (0, 1):
        raise SystemExit(f"secplan failed: {proc.stderr[-2000:]}")
    out: Reported = defaultdict(lambda: defaultdict(list))
    for f in json.loads(proc.stdout)["findings"]:
        out[f["path"]][f["rule"]].append(f["line"])
    return elapsed, out


def run_checkov(root: Path) -> tuple[float, Reported]:
    env = {**os.environ, "BC_SKIP_MAPPING": "TRUE", "CHECKOV_RUN_SCA_PACKAGE_SCAN_V2": "false"}
    start = time.perf_counter()
    proc = subprocess.run([str(CHECKOV), "-d", str(root), "--framework", "kubernetes", "dockerfile", "terraform",
                           "-o", "json", "--quiet", "--compact", "--skip-download", "--soft-fail"],
                          capture_output=True, text=True, env=env)
    elapsed = time.perf_counter() - start
    if proc.returncode != 0:
        raise SystemExit(f"checkov failed: {proc.stderr[-2000:]}")
    data = json.loads(proc.stdout)
    out: Reported = defaultdict(lambda: defaultdict(list))
    for report in data if isinstance(data, list) else [data]:
        for check in report.get("results", {}).get("failed_checks", []):
            rel = check["file_path"].lstrip("/")
            out[rel][check["check_id"]].append((check.get("file_line_range") or [None])[0])
    return elapsed, out


def score(truth: dict[str, Case], reported: Reported, tool: str) -> dict:
    per: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])  # hits, planted, exact line
    per_variant: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    fp = 0
    safe = 0
    for path, case in truth.items():
        ids = getattr(CATEGORIES[case.category], tool)
        lines = [line for rule in ids for line in reported.get(path, {}).get(rule, [])]
        if case.planted:
            per[case.category][1] += 1
            per_variant[case.variant.split()[0] if case.category.startswith("k8s-") else "other"][1] += 1
            if lines:
                per[case.category][0] += 1
                per_variant[case.variant.split()[0] if case.category.startswith("k8s-") else "other"][0] += 1
                per[case.category][2] += case.line in lines
        else:
            safe += 1
            fp += bool(lines)
    hits = sum(v[0] for v in per.values())
    planted = sum(v[1] for v in per.values())
    return {"recall": hits / max(1, planted), "hits": hits, "planted": planted, "fp": fp, "safe": safe,
            "exact": sum(v[2] for v in per.values()), "per": dict(per), "per_variant": dict(per_variant)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--copies", type=int, default=5, help="copies of the case set (each with its own names)")
    args = parser.parse_args()
    if not CHECKOV.exists():
        raise SystemExit(f"Checkov not found at {CHECKOV}; see this script's docstring")
    with tempfile.TemporaryDirectory(prefix="secplan-bench-config-") as tmp:
        root = Path(tmp)
        truth = generate(root, args.copies)
        planted = sum(c.planted for c in truth.values())
        print(f"tree: {len(truth)} files ({planted} planted, {len(truth) - planted} safe forms), "
              f"{len(CATEGORIES)} categories")
        results = {}
        for name, runner in (("secplan", run_secplan), ("checkov", run_checkov)):
            elapsed, reported = runner(root)
            results[name] = (elapsed, score(truth, reported, name))
    print(f"\n{'category':26} {'secplan':>10} {'checkov':>10}   secplan rule / Checkov checks")
    for category, spec in CATEGORIES.items():
        cells = [f"{s['per'][category][0]}/{s['per'][category][1]}" for _, s in results.values()]
        print(f"{category:26} {cells[0]:>10} {cells[1]:>10}   {' '.join(sorted(spec.secplan))} / "
              f"{' '.join(sorted(spec.checkov))}")
    print(f"\n{'workload kind (k8s cases)':26} {'secplan':>10} {'checkov':>10}")
    for kind in (*BUILTIN_KINDS, *EXTRA_KINDS):
        cells = [f"{s['per_variant'].get(kind, [0, 0])[0]}/{s['per_variant'].get(kind, [0, 0])[1]}"
                 for _, s in results.values()]
        print(f"{kind:26} {cells[0]:>10} {cells[1]:>10}")
    print(f"\n{'tool':10} {'recall':>8} {'recall (built-in kinds)':>24} {'FP (safe files)':>16} {'exact line':>11} "
          f"{'seconds':>8}")
    for name, (elapsed, s) in results.items():
        extra = sum(s["per_variant"].get(k, [0, 0])[0] for k in EXTRA_KINDS)
        extra_n = sum(s["per_variant"].get(k, [0, 0])[1] for k in EXTRA_KINDS)
        builtin = (s["hits"] - extra) / max(1, s["planted"] - extra_n)
        print(f"{name:10} {s['recall']:>8.1%} {builtin:>24.1%} {s['fp']:>7}/{s['safe']:<8} "
              f"{s['exact'] / max(1, s['hits']):>11.1%} {elapsed:>8.2f}")
    ours, theirs = results["secplan"][0], results["checkov"][0]
    print(f"\ntime ratio (Checkov time / secplan time): {theirs / ours:.2f}x")


if __name__ == "__main__":
    main()
