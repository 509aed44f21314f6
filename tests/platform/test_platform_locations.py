"""Every configuration finding points at the line of the offending key or flag, in each format the
platform scan reads. Each case marks the expected line with a ``# <-`` comment (``// <-`` in JSON
text), so the expectation is written next to the setting, not counted by hand."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from secplan.platform.scan import Scanner, scan_project


def marked(text: str, marker: str = "# <-") -> list[int]:
    return [i for i, line in enumerate(text.splitlines(), 1) if marker in line]


def lines_of(project_dir: Path, rel: str, rule: str | None = None) -> list[int]:
    found = scan_project(project_dir, scanners={Scanner.CONFIG}).findings
    return sorted(f.line for f in found if f.path == rel and (rule is None or f.rule == rule))


CRONJOB = """apiVersion: batch/v1
kind: CronJob
metadata:
  name: nightly-train
spec:
  schedule: "0 2 * * *"
  jobTemplate:
    spec:
      template:
        spec:
          hostNetwork: true  # <-
          securityContext:
            runAsNonRoot: true
            runAsUser: 1000
          volumes:
            - name: docker
              hostPath:
                path: /var/run/docker.sock  # <-
          initContainers:
            - name: fetch
              image: busybox:1.36
              securityContext:
                privileged: true  # <-
              resources: {limits: {cpu: 100m, memory: 64Mi}}
          containers:
            - name: train
              image: trainer:1.0
              securityContext:
                capabilities:
                  add: ["SYS_ADMIN"]  # <-
              resources: {limits: {cpu: "4", memory: 16Gi}}
"""


def test_kubernetes_keys_deep_in_a_cronjob(project_dir: Path, write) -> None:
    write("k8s/cron.yaml", CRONJOB)
    assert lines_of(project_dir, "k8s/cron.yaml") == sorted([*marked(CRONJOB), 2])  # 2: no NetworkPolicy, on `kind`


MANIFESTS = """apiVersion: v1
kind: List
items:
  - apiVersion: v1
    kind: Pod
    metadata: {name: debug}
    spec:
      securityContext: {runAsNonRoot: true, runAsUser: 1000}
      hostPID: true  # <-
      containers:
        - name: app
          image: app:1.0
          resources: {limits: {cpu: "1", memory: 1Gi}}
      ephemeralContainers:
        - name: shell
          image: busybox:1.36
          securityContext:
            allowPrivilegeEscalation: true  # <-
---
apiVersion: serving.kserve.io/v1beta1
kind: InferenceService
metadata:
  name: llm
spec:
  predictor:
    containers:
      - name: kserve-container
        image: vllm/vllm-openai:v0.6.0
        args:
          - --model=/mnt/models
          - --trust-remote-code  # <-
          - --api-key=$(API_KEY)
        securityContext:
          runAsUser: 0  # <-
        resources: {limits: {cpu: "8", memory: 32Gi}}
---
apiVersion: v1
kind: PodTemplate
metadata:
  name: worker
template:
  spec:
    securityContext:
      runAsNonRoot: true
      runAsUser: 1000
    hostIPC: true  # <-
    containers:
      - name: worker
        image: worker:1.0
        resources: {limits: {cpu: "1", memory: 1Gi}}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: default-deny}
spec: {podSelector: {}}
"""


def test_kubernetes_lists_custom_resources_pod_templates_and_ephemeral_containers(project_dir: Path, write) -> None:
    write("k8s/all.yaml", MANIFESTS)
    found = scan_project(project_dir, scanners={Scanner.CONFIG}).findings
    assert sorted(f.line for f in found) == marked(MANIFESTS)
    assert sorted(f.rule for f in found) == ["container-host-namespace", "container-host-namespace",
                                             "container-privilege-escalation", "container-runs-as-root",
                                             "server-trust-remote-code"]


COMPOSE = """services:
  builder:
    image: docker:27-cli
    user: root  # <-
    volumes:
      - ./src:/src
      - /var/run/docker.sock:/var/run/docker.sock  # <-
  agent:
    image: agent:1.0
    network_mode: host  # <-
    pid: host  # <-
    cap_add:  # <-
      - NET_ADMIN
    security_opt:
      - seccomp:unconfined  # <-
    volumes:
      - type: bind
        source: /run/containerd/containerd.sock  # <- (the long syntax: the item's line is the entry)
        target: /run/containerd/containerd.sock
      - type: volume
        source: cache
        target: /cache
  notebook:
    image: quay.io/jupyter/base-notebook:2024-10-07
    command:
      - start-notebook.py
      - --IdentityProvider.token=''  # <-
"""


def test_compose_runtime_settings(project_dir: Path, write) -> None:
    write("compose.yaml", COMPOSE)
    expected = marked(COMPOSE)
    expected[expected.index(18)] = 17  # the long-syntax volume entry starts on its `- type:` line
    assert lines_of(project_dir, "compose.yaml") == expected


SCRIPT = """#!/bin/sh
set -eu
docker run -d --rm \\
  --name sidecar \\
  --network=host \\
  -v "$PWD:/work" \\
  -v /var/run/docker.sock:/var/run/docker.sock \\
  --user 0 \\
  sidecar:1.0 --privileged
export STREAMLIT_SERVER_ENABLE_XSRF_PROTECTION=false
vllm serve Qwen/Qwen2-7B \\
    --api-key "$KEY" \\
    --trust-remote-code
"""


def test_shell_continuations_point_at_the_flag(project_dir: Path, write) -> None:
    write("run.sh", SCRIPT)
    found = {(f.rule, f.line) for f in scan_project(project_dir, scanners={Scanner.CONFIG}).findings}
    # `--privileged` after the image is the container's own argument, not a docker option
    assert found == {("container-host-namespace", 5), ("container-socket-mount", 7), ("container-runs-as-root", 8),
                     ("streamlit-xsrf-disabled", 10), ("server-trust-remote-code", 13)}


DOCKERFILE = """FROM quay.io/jupyter/base-notebook:2024-10-07
ENV MODE=prod \\
    GRADIO_SERVER_NAME=0.0.0.0  # <-
RUN pip install --no-cache-dir \\
      gradio==4.44.0
USER 1000
CMD ["start-notebook.py", \\
     "--ServerApp.ip=0.0.0.0", \\
     "--IdentityProvider.token=''"]  # <-
"""


def test_dockerfile_flags_on_continuation_lines(project_dir: Path, write) -> None:
    write("Dockerfile", DOCKERFILE.replace("  # <-", ""))
    assert lines_of(project_dir, "Dockerfile") == marked(DOCKERFILE)


STREAMLIT = """[theme]
base = "dark"

[server]
port = 8501
enableCORS = false  # <-
headless = true
enableXsrfProtection = false  # <-
address = "0.0.0.0"  # <-
"""


def test_streamlit_config_toml_keys(project_dir: Path, write) -> None:
    write(".streamlit/config.toml", STREAMLIT)
    found = scan_project(project_dir, scanners={Scanner.CONFIG}).findings
    assert sorted((f.line, f.rule) for f in found) == list(zip(marked(STREAMLIT), [
        "streamlit-cors-disabled", "streamlit-xsrf-disabled", "streamlit-exposed"], strict=True))
    write(".streamlit/config.toml", 'server.enableXsrfProtection = false\nserver.enableCORS = true\n')
    assert lines_of(project_dir, ".streamlit/config.toml") == [1]  # the dotted-key form


TERRAFORM = """resource "aws_s3_bucket_acl" "models" {
  bucket = aws_s3_bucket.models.id
  acl    = "public-read"  # <-
}
resource "aws_sagemaker_model" "scorer" {
  name               = "scorer"
  execution_role_arn = aws_iam_role.sm.arn
  primary_container {
    image = "123.dkr.ecr.eu-west-1.amazonaws.com/scorer:1"
  }
  enable_network_isolation = false  # <-
}
resource "google_workbench_instance" "wb" {
  name     = "wb"
  location = "us-central1-a"
  gce_setup {
    machine_type      = "n1-standard-4"
    disable_public_ip = false  # <-
  }
}
"""


def test_terraform_attribute_lines(project_dir: Path, write) -> None:
    write("infra/main.tf", TERRAFORM)
    assert lines_of(project_dir, "infra/main.tf") == marked(TERRAFORM)


def test_notebook_lines_are_lines_of_the_ipynb_file_with_the_cell_and_its_line(project_dir: Path, cli) -> None:
    notebook = {"cells": [
        {"cell_type": "markdown", "metadata": {}, "source": ["# Serve the demo\n"]},
        {"cell_type": "code", "metadata": {}, "execution_count": 1, "outputs": [], "source": [
            "import gradio as gr\n", "demo = gr.Interface(fn=predict, inputs='text', outputs='text')\n",
            "demo.launch(\n", "    server_name='0.0.0.0',\n", "    server_port=7860,\n", ")\n"]},
        {"cell_type": "code", "metadata": {}, "execution_count": 2, "outputs": [], "source": [
            "!docker run --rm --privileged trainer:1.0\n"]},
    ], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
    text = json.dumps(notebook, indent=1)
    (project_dir / "demo.ipynb").write_text(text, encoding="utf-8")
    r = cli("platform", "scan", project_dir, "-f", "json", "--scanners", "config", "--no-store")
    found = {f["rule"]: f for f in r.json()["findings"]}
    lines = text.splitlines()
    assert found["gradio-no-auth"]["line"] == next(i for i, x in enumerate(lines, 1) if "server_name=" in x)
    assert found["gradio-no-auth"]["cell"] == {"index": 2, "line": 4}
    assert found["container-privileged"]["line"] == next(i for i, x in enumerate(lines, 1) if "--privileged" in x)
    assert found["container-privileged"]["cell"] == {"index": 3, "line": 1}
    sarif = cli("platform", "scan", project_dir, "-f", "sarif", "--scanners", "config", "--no-store").json()
    result = next(x for x in sarif["runs"][0]["results"] if x["ruleId"] == "gradio-no-auth")
    assert result["locations"][0]["physicalLocation"]["region"]["startLine"] == found["gradio-no-auth"]["line"]
    assert result["locations"][0]["logicalLocations"][0]["name"] == "cell 2, line 4"


@pytest.mark.parametrize("source", [
    "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers: [{name: a, image: a}]\n  hostNetwork: true  # <-\n",
    "services:\n  a:\n    image: a:1\n    privileged: true  # <-\n",
])
def test_a_key_on_the_last_line(project_dir: Path, write, source: str) -> None:
    name = "pod.yaml" if "kind: Pod" in source else "docker-compose.yml"
    write(name, source)
    assert marked(source)[0] in lines_of(project_dir, name)


def test_notebook_text_maps_sources_outputs_and_single_string_sources() -> None:
    from secplan.platform.notebook import located_texts, read_notebook

    notebook = {"cells": [
        {"cell_type": "code", "metadata": {}, "execution_count": 1, "source": "a = 1\nb = 2\n", "outputs": [
            {"output_type": "stream", "name": "stdout", "text": ["first\n", "second\n"]},
            {"output_type": "execute_result", "execution_count": 1, "metadata": {},
             "data": {"text/plain": ["x\n", "y"], "image/png": "iVBORw0KGgo="}}]},
    ], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
    text = json.dumps(notebook, indent=1)
    lines = text.splitlines()

    def at(needle: str) -> int:
        return next(i for i, x in enumerate(lines, 1) if needle in x)

    found = [(member, line_map) for member, _, line_map in located_texts(text, read_notebook(text, "nb.ipynb"))]
    assert found == [("cell 1", [at('"source"')] * 2),  # one JSON string: both lines are on its line
                     ("cell 1 output", [at('"first'), at('"second')]),
                     ("cell 1 output", [at('"x'), at('"y"')])]


def test_two_findings_on_one_line_of_compact_json_stay_two(project_dir: Path, write) -> None:
    cell = {"cell_type": "code", "metadata": {}, "execution_count": 1, "outputs": [],
            "source": ["import torch\n", "a = torch.load('a.pt')\n", "b = torch.load('a.pt')\n"]}
    write("nb.ipynb", json.dumps({"cells": [cell], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}))
    found = scan_project(project_dir, scanners={Scanner.CODE}).findings
    assert sorted((f.line, f.cell_line) for f in found) == [(1, 2), (1, 3)]
