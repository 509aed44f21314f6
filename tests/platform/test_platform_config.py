"""Configuration rules: a planted case for each and a safe counterpart that must stay quiet."""

from __future__ import annotations

from pathlib import Path

import pytest

from secplan.platform.config.dockerfile import check_dockerfile
from secplan.platform.config.mlservers import (
    check_command,
    check_jupyter_config,
    check_python_calls,
    check_streamlit_toml,
    check_torchserve_properties,
)
from secplan.platform.scan import Scanner, scan_project


def rules(findings) -> list[str]:
    return sorted(f.rule for f in findings)


def test_dockerfile_planted() -> None:
    text = """FROM python:latest AS build
RUN pip install -r requirements.txt
FROM nvidia/cuda
ENV WANDB_API_KEY=abc123secretvalue \\
    MODE=prod
ARG HF_TOKEN=hf_notreallyatoken
ADD https://example.com/weights.tar.gz /models/
CMD ["mlflow", "server", "--host", "0.0.0.0"]
"""
    found = list(check_dockerfile(text, "Dockerfile"))
    assert rules(found) == ["dockerfile-add-url", "dockerfile-runs-as-root", "dockerfile-secret-in-env",
                            "dockerfile-secret-in-env", "dockerfile-unpinned-base", "dockerfile-unpinned-base",
                            "mlflow-no-auth"]
    assert {f.line for f in found if f.rule == "dockerfile-unpinned-base"} == {1, 3}
    assert all("abc123secretvalue" not in f.message for f in found)


def test_dockerfile_safe() -> None:
    text = """FROM python:3.12-slim@sha256:abcdef AS build
FROM build
ARG HF_TOKEN
ENV MODE=prod
COPY model.safetensors /models/
RUN --mount=type=secret,id=hf pip install -r requirements.txt
USER 10001
CMD ["mlflow", "server", "--host", "127.0.0.1"]
"""
    assert list(check_dockerfile(text, "Dockerfile")) == []


@pytest.mark.parametrize(("command", "rule"), [
    ("jupyter lab --ip=0.0.0.0 --ServerApp.token='' --no-browser", "jupyter-no-auth"),
    ("jupyter notebook --NotebookApp.token= --ip 0.0.0.0", "jupyter-no-auth"),
    ("ray start --head --dashboard-host=0.0.0.0 --port=6379", "ray-exposed"),
    ("mlflow server --host 0.0.0.0 --port 5000", "mlflow-no-auth"),
    ("mlflow ui -h 0.0.0.0", "mlflow-no-auth"),
    ("torchserve --start --model-store /models --disable-token-auth", "torchserve-token-auth-disabled"),
    ("tritonserver --model-repository=/models --model-control-mode=explicit", "triton-model-control-exposed"),
    ("tensorboard --logdir runs --bind_all", "tensorboard-bind-all"),
    ("streamlit run app.py --server.address 0.0.0.0", "streamlit-exposed"),
    ("vllm serve meta-llama/Llama-3-8B --port 8000", "vllm-no-api-key"),
    ("python -m vllm.entrypoints.openai.api_server --model x", "vllm-no-api-key"),
    ("OLLAMA_HOST=0.0.0.0 ollama serve", "ollama-exposed"),
])
def test_ml_server_commands_planted(command: str, rule: str) -> None:
    assert rules(check_command(command, "run.sh", 1)) == [rule]


@pytest.mark.parametrize("command", [
    "jupyter lab --ip=127.0.0.1",
    "jupyter lab --ServerApp.token='' --ServerApp.password='argon2:$argon2id$v=19$m=10240'",
    "ray start --head --dashboard-host=127.0.0.1",
    "RAY_AUTH_MODE=token ray start --head --dashboard-host=0.0.0.0",
    "ray start --address=10.0.0.1:6379",
    "mlflow server --host 0.0.0.0 --app-name basic-auth",
    "mlflow server",
    "torchserve --start --model-store /models",
    "tritonserver --model-repository=/models",
    "tritonserver --model-control-mode=explicit --http-restricted-api=model-repository:admin-key=secret",
    "tensorboard --logdir runs",
    "streamlit run app.py",
    "vllm serve meta-llama/Llama-3-8B --api-key $VLLM_KEY",
    "OLLAMA_HOST=127.0.0.1:11434 ollama serve",
])
def test_ml_server_commands_safe(command: str) -> None:
    assert list(check_command(command, "run.sh", 1)) == []


def test_ml_server_config_files_and_python_calls() -> None:
    assert rules(check_jupyter_config("c.ServerApp.ip = '0.0.0.0'\nc.ServerApp.token = ''\n", "j.py")) == ["jupyter-no-auth"]
    assert list(check_jupyter_config("c.ServerApp.token = ''\nc.ServerApp.password = 'argon2:x'\n", "j.py")) == []
    props = "inference_address=http://0.0.0.0:8080\nmanagement_address=http://0.0.0.0:8081\nallowed_urls=.*\n" \
            "disable_token_authorization=true\n"
    found = list(check_torchserve_properties(props, "config.properties"))
    assert [(f.rule, f.line) for f in found] == [("torchserve-management-exposed", 2),
                                                 ("torchserve-allowed-urls-open", 3),
                                                 ("torchserve-token-auth-disabled", 4)]
    safe_props = "inference_address=http://0.0.0.0:8080\nmanagement_address=http://127.0.0.1:8081\n" \
                 "allowed_urls=https://s3.amazonaws.com/my-models/.*\n"
    assert list(check_torchserve_properties(safe_props, "config.properties")) == []
    assert rules(check_streamlit_toml('[server]\naddress = "0.0.0.0"\n', ".streamlit/config.toml")) == ["streamlit-exposed"]
    assert list(check_streamlit_toml('[server]\naddress = "127.0.0.1"\n', ".streamlit/config.toml")) == []
    py = ("demo.launch(share=True)\nray.init(dashboard_host='0.0.0.0')\ndemo.launch(auth=('u', p))\nray.init()\n"
          "demo.queue().launch(\n    server_port=7860,\n    share=True,\n)\nos.environ['OLLAMA_HOST'] = '0.0.0.0'\n"
          "os.environ['OLLAMA_HOST'] = '127.0.0.1'\ndemo.launch(share=False)\n")
    assert sorted((f.rule, f.line) for f in check_python_calls(py, "app.py")) == [
        ("gradio-share", 1), ("gradio-share", 7), ("ollama-exposed", 9), ("ray-exposed", 2)]


K8S = """apiVersion: apps/v1
kind: Deployment
metadata:
  name: jupyter
spec:
  template:
    spec:
      hostPID: true
      containers:
        - name: nb
          image: jupyter/base-notebook:2024-01-01
          args: ["start-notebook.sh", "jupyter", "lab", "--ServerApp.token=", "--ip=0.0.0.0"]
          securityContext:
            privileged: true
            runAsUser: 0
---
apiVersion: v1
kind: Service
metadata:
  name: jupyter
spec:
  type: NodePort
  ports:
    - port: 8888
"""
K8S_SAFE = """apiVersion: apps/v1
kind: Deployment
metadata:
  name: scorer
spec:
  template:
    spec:
      securityContext:
        runAsNonRoot: true
        runAsUser: 10001
      containers:
        - name: api
          image: registry.example/scorer:1.4.2
          args: ["mlflow", "server", "--host", "127.0.0.1"]
          resources:
            limits: {cpu: "1", memory: 1Gi}
---
apiVersion: v1
kind: Service
metadata:
  name: scorer
spec:
  type: ClusterIP
  ports:
    - port: 5000
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: default-deny
spec:
  podSelector: {}
"""
COMPOSE = """services:
  tracking:
    image: ghcr.io/mlflow/mlflow:v2.9.0
    command: mlflow server --host 0.0.0.0
    ports:
      - "5000:5000"
  ollama:
    image: ollama/ollama:0.3.0
    privileged: true
    environment:
      OLLAMA_HOST: 0.0.0.0
  ray:
    image: rayproject/ray:2.9.0
    ports: ["8265:8265"]
  notebook:
    image: quay.io/jupyter/base-notebook:2024-10-07
    ports:
      - target: 8888
        published: 8888
"""
COMPOSE_SAFE = """services:
  tracking:
    image: ghcr.io/mlflow/mlflow:v2.9.0
    command: ["mlflow", "server", "--host", "0.0.0.0", "--app-name", "basic-auth"]
    ports:
      - "127.0.0.1:5000:5000"
  api:
    image: api:1.0
    ports: ["8080:8080", "9000"]
"""


def test_kubernetes_planted(project_dir: Path, write) -> None:
    write("k8s/jupyter.yaml", K8S)
    found = scan_project(project_dir, scanners={Scanner.CONFIG}).findings
    assert sorted((f.rule, f.line) for f in found) == [
        ("container-host-namespace", 8), ("container-privileged", 14), ("container-runs-as-root", 15),
        ("jupyter-no-auth", 12), ("k8s-no-network-policy", 2), ("k8s-no-resource-limits", 10),
        ("ml-port-public", 24)]
    assert next(f for f in found if f.rule == "jupyter-no-auth").severity.value == "critical"


def test_kubernetes_safe(project_dir: Path, write) -> None:
    write("k8s/scorer.yaml", K8S_SAFE)
    assert scan_project(project_dir, scanners={Scanner.CONFIG}).findings == []


def test_compose_planted_and_safe(project_dir: Path, write) -> None:
    write("docker-compose.yml", COMPOSE)
    found = scan_project(project_dir, scanners={Scanner.CONFIG}).findings
    assert sorted((f.rule, f.line) for f in found) == [
        ("container-privileged", 9), ("ml-port-public", 6), ("ml-port-public", 18), ("mlflow-no-auth", 4),
        ("ollama-exposed", 11), ("ray-exposed", 14)]
    write("docker-compose.yml", COMPOSE_SAFE)
    assert scan_project(project_dir, scanners={Scanner.CONFIG}).findings == []


TF = """
resource "aws_sagemaker_notebook_instance" "nb" {
  name          = "research"
  role_arn      = aws_iam_role.nb.arn
  instance_type = "ml.t3.medium"
}
resource "aws_sagemaker_endpoint_configuration" "ep" {
  name = "scorer"
}
resource "aws_s3_bucket" "data" {
  bucket = "training-data"
  acl    = "public-read"
}
resource "aws_s3_bucket_public_access_block" "data" {
  bucket                  = aws_s3_bucket.data.id
  block_public_acls       = false
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}
resource "google_storage_bucket_iam_member" "pub" {
  bucket = "models"
  role   = "roles/storage.objectViewer"
  member = "allUsers"
}
resource "google_notebooks_instance" "nb" {
  name = "nb"
  location = "us-central1-a"
}
resource "google_vertex_ai_endpoint" "ep" {
  name = "ep"
}
resource "azurerm_machine_learning_workspace" "ws" {
  name = "ws"
}
"""
TF_SAFE = """
resource "aws_sagemaker_notebook_instance" "nb" {
  name                   = "research"
  role_arn               = aws_iam_role.nb.arn
  instance_type          = "ml.t3.medium"
  root_access            = "Disabled"
  direct_internet_access = "Disabled"
  kms_key_id             = aws_kms_key.ml.arn
}
resource "aws_sagemaker_endpoint_configuration" "ep" {
  name        = "scorer"
  kms_key_arn = aws_kms_key.ml.arn
}
resource "aws_s3_bucket" "data" {
  bucket = "training-data"
}
resource "aws_s3_bucket_server_side_encryption_configuration" "data" {
  bucket = aws_s3_bucket.data.id
  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm     = "aws:kms"
      kms_master_key_id = aws_kms_key.ml.arn
    }
  }
}
resource "google_notebooks_instance" "nb" {
  name            = "nb"
  no_public_ip    = true
  disk_encryption = "CMEK"
  kms_key         = "projects/p/locations/l/keyRings/r/cryptoKeys/k"
}
resource "google_vertex_ai_endpoint" "ep" {
  name = "ep"
  encryption_spec {
    kms_key_name = "projects/p/locations/l/keyRings/r/cryptoKeys/k"
  }
}
resource "azurerm_machine_learning_workspace" "ws" {
  name                          = "ws"
  public_network_access_enabled = false
}
"""


def test_terraform_planted(project_dir: Path, write) -> None:
    write("infra/ml.tf", TF)
    found = scan_project(project_dir, scanners={Scanner.CONFIG}).findings
    assert rules(found) == ["tf-bucket-public", "tf-bucket-public-access-block", "tf-bucket-public-policy",
                            "tf-notebook-internet", "tf-notebook-internet", "tf-public-network-access",
                            "tf-sagemaker-root-access", "tf-storage-unencrypted", "tf-storage-unencrypted",
                            "tf-storage-unencrypted", "tf-storage-unencrypted", "tf-storage-unencrypted"]
    # an attribute that is written is the line; a missing one whose default is unsafe is the resource's line
    lines = {(f.rule, f.line) for f in found}
    assert {("tf-sagemaker-root-access", 2), ("tf-bucket-public", 12), ("tf-bucket-public-access-block", 16),
            ("tf-bucket-public-policy", 24)} <= lines


def test_terraform_safe(project_dir: Path, write) -> None:
    write("infra/ml.tf", TF_SAFE)
    assert scan_project(project_dir, scanners={Scanner.CONFIG}).findings == []


def test_invalid_yaml_hcl_json_warn_and_the_scan_goes_on(project_dir: Path, write) -> None:
    write("k8s/broken.yaml", "apiVersion: v1\nkind: [unclosed\n")
    write("infra/broken.tf", 'resource "aws_s3_bucket" "x" {\n  acl = \n')
    write("nb.ipynb", "{ not json")
    write("big.py", "x = 1\n" * 1_000_000)  # over the size limit
    write("bin.py", "\x00\x01binary")
    write("chart/templates/deploy.yaml", "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {{ .Release.Name }}\n")
    write("run.sh", "mlflow server --host 0.0.0.0\n")
    result = scan_project(project_dir)
    assert rules(result.findings) == ["mlflow-no-auth"]
    text = "\n".join(result.warnings)
    for name in ("k8s/broken.yaml", "infra/broken.tf", "nb.ipynb", "big.py", "bin.py", "chart/templates/deploy.yaml"):
        assert name in text, text
