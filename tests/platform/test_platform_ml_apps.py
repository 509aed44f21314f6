"""ML application settings, written from the servers' own documentation: each planted case fires
its rule, each documented safe setting stays quiet."""

from __future__ import annotations

from pathlib import Path

import pytest

from secplan.platform.config.mlservers import (
    allows_any_url,
    check_command,
    check_env,
    check_python_calls,
    check_streamlit_toml,
    check_torchserve_properties,
)
from secplan.platform.config.runtime import check_run_command
from secplan.platform.scan import Scanner, scan_project


def rules(findings) -> list[str]:
    return sorted(f.rule for f in findings)


@pytest.mark.parametrize(("command", "rule"), [
    # Jupyter Docker Stacks and jupyter_server options that turn the token off
    ("start-notebook.py --IdentityProvider.token=''", "jupyter-no-auth"),
    ("start-notebook.sh --NotebookApp.token='' --NotebookApp.password=''", "jupyter-no-auth"),
    ("start.sh jupyter lab --ServerApp.token=", "jupyter-no-auth"),
    ("python -m jupyterlab --ip 0.0.0.0 --IdentityProvider.token ''", "jupyter-no-auth"),
    ("jupyter-lab --allow-root --ServerApp.token=\"\"", "jupyter-no-auth"),
    # trust-remote-code: vLLM, SGLang, TGI
    ("vllm serve deepseek-ai/DeepSeek-V2-Lite --api-key $K --trust-remote-code", "server-trust-remote-code"),
    ("python -m sglang.launch_server --model-path m --trust-remote-code", "server-trust-remote-code"),
    ("text-generation-launcher --model-id m --trust-remote-code true", "server-trust-remote-code"),
    # Streamlit command-line options
    ("streamlit run app.py --server.enableXsrfProtection=false", "streamlit-xsrf-disabled"),
    ("streamlit run app.py --server.enableCORS false", "streamlit-cors-disabled"),
    # Triton model control
    ("tritonserver --model-repository=s3://models --model-control-mode poll", "triton-model-control-exposed"),
    # TorchServe
    ("torchserve --start --ncs --model-store /m --disable-token-auth", "torchserve-token-auth-disabled"),
    # environment set on the command line
    ("TS_ALLOWED_URLS='.*' torchserve --start", "torchserve-allowed-urls-open"),
    ("GRADIO_SERVER_NAME=0.0.0.0 python app.py", "gradio-no-auth"),
])
def test_ml_commands_planted(command: str, rule: str) -> None:
    assert rules(check_command(command, "run.sh", 1)) == [rule]


@pytest.mark.parametrize("command", [
    "start-notebook.py",  # the stacks generate a random token
    "start-notebook.py --IdentityProvider.token=\"$JUPYTER_TOKEN\"",
    "jupyter lab --ServerApp.token='' --ServerApp.password='argon2:$argon2id$v=19$m=10240,t=10,p=8$abc'",
    "vllm serve m --api-key $K",
    "vllm serve m --api-key $K --trust-remote-code=false",
    "streamlit run app.py --server.enableXsrfProtection=true --server.enableCORS=true",
    "tritonserver --model-repository=/models --model-control-mode=none",
    "tritonserver --model-control-mode=explicit --grpc-restricted-api=model-repository:k=v",
    "torchserve --start --model-store /m",
    "GRADIO_SERVER_NAME=127.0.0.1 python app.py",
    "echo --trust-remote-code-docs",
])
def test_ml_commands_safe(command: str) -> None:
    assert list(check_command(command, "run.sh", 1)) == []


def test_gradio_launch_from_the_syntax_tree() -> None:
    source = """import gradio as gr
demo = gr.ChatInterface(fn=reply)
demo.launch(server_name="0.0.0.0", server_port=7860)
demo.launch(server_name="0.0.0.0", auth=("admin", password))
demo.launch(server_name="0.0.0.0", auth_dependency=user_of)
demo.launch()
demo.launch(server_name="127.0.0.1")
gr.Blocks().queue().launch(share=True, auth=check)
"""
    assert sorted((f.rule, f.line) for f in check_python_calls(source, "app.py")) == [
        ("gradio-no-auth", 3), ("gradio-share", 8)]
    # without a gradio import, `launch(server_name=...)` belongs to something else
    assert list(check_python_calls('rocket.launch(server_name="0.0.0.0")\n', "space.py")) == []


@pytest.mark.parametrize(("patterns", "open_"), [
    ("file://.*|http(s)?://.*", True),  # TorchServe's documented default
    (".*", True),
    ("https://.*", True),
    ("https://s3.amazonaws.com/.*", False),
    ("https://models\\.example\\.com/.*,file:///opt/models/.*", False),
    ("https://models.example.com/.*,http://.*", True),
    ("[unclosed", False),
])
def test_torchserve_allowed_urls_patterns(patterns: str, open_: bool) -> None:
    assert allows_any_url(patterns) is open_


def test_torchserve_properties() -> None:
    default = "inference_address=http://0.0.0.0:8080\nmanagement_address=http://127.0.0.1:8081\nmodel_store=/m\n"
    found = list(check_torchserve_properties(default, "config.properties"))
    assert [(f.rule, f.line, f.severity.value) for f in found] == [("torchserve-allowed-urls-open", 2, "medium")]
    restricted = default + "allowed_urls=https://models.example.com/.*\n"
    assert list(check_torchserve_properties(restricted, "config.properties")) == []
    assert list(check_torchserve_properties("# not TorchServe\nname=value\n", "config.properties")) == []
    commented = restricted + "# disable_token_authorization=true\n"
    assert list(check_torchserve_properties(commented, "config.properties")) == []


def test_streamlit_defaults_are_safe() -> None:
    assert list(check_streamlit_toml('[server]\nport = 8501\nenableCORS = true\n', ".streamlit/config.toml")) == []
    assert list(check_streamlit_toml('[browser]\nserverAddress = "0.0.0.0"\n', ".streamlit/config.toml")) == []


@pytest.mark.parametrize(("name", "value", "rule"), [
    ("STREAMLIT_SERVER_ENABLE_CORS", "false", "streamlit-cors-disabled"),
    ("STREAMLIT_SERVER_ADDRESS", "0.0.0.0", "streamlit-exposed"),
    ("TS_MANAGEMENT_ADDRESS", "http://0.0.0.0:8081", "torchserve-management-exposed"),
    ("TRUST_REMOTE_CODE", "true", "server-trust-remote-code"),
])
def test_environment_variables(name: str, value: str, rule: str) -> None:
    assert rules(check_env(name, value, "compose.yaml", 3)) == [rule]


@pytest.mark.parametrize(("command", "expected"), [
    ("docker run --privileged img", ["container-privileged"]),
    ("sudo docker run -it --net host img", ["container-host-namespace"]),
    ("podman run --pid=host --ipc=host img", ["container-host-namespace", "container-host-namespace"]),
    ("docker container run -u root:root img", ["container-runs-as-root"]),
    ("nerdctl run --cap-add=SYS_ADMIN img", ["container-privilege-escalation"]),
    ("docker run --security-opt seccomp=unconfined img", ["container-privilege-escalation"]),
    ("docker run --mount type=bind,source=/var/run/docker.sock,target=/var/run/docker.sock img",
     ["container-socket-mount"]),
    ("docker create -v /run/docker.sock:/run/docker.sock:ro img", ["container-socket-mount"]),
    ("docker run --rm -v /data:/data --user 1000 --cap-add NET_BIND_SERVICE img", []),
    ("docker run img --privileged", []),  # after the image: the container's own arguments
    ("docker build --network host .", []),
])
def test_docker_run_options(command: str, expected: list[str]) -> None:
    assert rules(check_run_command(command, "Makefile", lambda token: 1)) == expected


def test_jupyter_in_a_dockerfile_and_a_compose_environment(project_dir: Path, write) -> None:
    write("Dockerfile", 'FROM quay.io/jupyter/scipy-notebook:2024-10-07\nUSER ${NB_UID}\n'
                        'CMD ["start-notebook.py", "--IdentityProvider.token=", "--ServerApp.ip=0.0.0.0"]\n')
    write("docker-compose.yml", "services:\n  app:\n    image: app:1\n    environment:\n"
                                "      - STREAMLIT_SERVER_ENABLE_XSRF_PROTECTION=false\n")
    found = {(f.path, f.rule, f.line, f.severity.value) for f in scan_project(project_dir, scanners={Scanner.CONFIG}).findings}
    assert found == {("Dockerfile", "jupyter-no-auth", 3, "critical"),
                     ("docker-compose.yml", "streamlit-xsrf-disabled", 5, "medium")}
