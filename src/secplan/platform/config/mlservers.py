"""ML servers wherever they are launched: shell commands (scripts, Dockerfile CMD, compose commands,
container args), Python calls, and the servers' own config files.

The rules encode when each server is reachable without authentication: a public inference port is
normal, an open management or job API is not.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from secplan.platform.findings import Finding, finding
from secplan.vocabulary import Severity

PUBLIC = r"(?:0\.0\.0\.0|::|\[::\]|\*)"

#: Ports of ML servers whose exposure is a finding (management, job and notebook APIs).
ML_PORTS: dict[int, str] = {
    8888: "Jupyter", 8265: "Ray dashboard/job API", 10001: "Ray client", 5000: "MLflow", 8081: "TorchServe management",
    6006: "TensorBoard", 7860: "Gradio", 8501: "Streamlit", 11434: "Ollama", 8002: "Triton metrics",
}


def _opt(command: str, *names: str) -> str | None:
    """The value of a command-line option (``--x v``, ``--x=v``, quotes stripped), or None."""
    for name in names:
        match = re.search(rf"(?:^|\s){re.escape(name)}(?:=(\"[^\"]*\"|'[^']*'|\S*)|\s+(\"[^\"]*\"|'[^']*'|[^-\s]\S*))",
                          command)
        if match:
            return (match.group(1) if match.group(1) is not None else match.group(2)).strip("\"'")
    return None


def check_command(command: str, path: str, line: int | None) -> Iterator[Finding]:
    """Findings for one shell command line."""
    cmd = " ".join(command.split())
    if re.search(r"\bjupyter(?:-|\s+)(?:notebook|lab|server)\b", cmd):
        token = _opt(cmd, "--NotebookApp.token", "--ServerApp.token", "--IdentityProvider.token")
        password = _opt(cmd, "--NotebookApp.password", "--ServerApp.password", "--PasswordIdentityProvider.hashed_password")
        if token is not None and token == "" and not password:
            public = bool(re.fullmatch(PUBLIC, _opt(cmd, "--ip", "--ServerApp.ip", "--NotebookApp.ip") or ""))
            yield finding("jupyter-no-auth", path, line,
                          "Jupyter started with an empty token and no password"
                          + (" on all interfaces" if public else ""),
                          severity=Severity.CRITICAL if public else Severity.HIGH)
    if re.search(r"\bray\s+start\b", cmd) and "--head" in cmd:
        host = _opt(cmd, "--dashboard-host")
        if host and re.fullmatch(PUBLIC, host) and not re.search(r"RAY_AUTH_MODE=token", cmd, re.I):
            yield finding("ray-exposed", path, line,
                          "Ray dashboard and job API bound to all interfaces (Ray has no built-in authentication)")
    if re.search(r"\bmlflow\s+(?:server|ui)\b", cmd):
        host = _opt(cmd, "--host", "-h")
        if host and re.fullmatch(PUBLIC, host) and _opt(cmd, "--app-name") != "basic-auth":
            yield finding("mlflow-no-auth", path, line, f"MLflow server on {host} without --app-name basic-auth")
    if re.search(r"\btorchserve\b", cmd) and "--disable-token-auth" in cmd:
        yield finding("torchserve-management-exposed", path, line,
                      "TorchServe started with --disable-token-auth", severity=Severity.HIGH)
    if re.search(r"\btritonserver\b", cmd):
        mode = _opt(cmd, "--model-control-mode")
        if mode in ("explicit", "poll") and not re.search(r"--(?:http|grpc)-restricted-api", cmd):
            yield finding("triton-model-control-exposed", path, line,
                          f"Triton model control mode {mode!r} without a restricted API")
    if re.search(r"\btensorboard\b", cmd):
        host = _opt(cmd, "--host")
        if "--bind_all" in cmd or (host and re.fullmatch(PUBLIC, host)):
            yield finding("tensorboard-bind-all", path, line, "TensorBoard bound to all interfaces")
    if re.search(r"\bstreamlit\s+run\b", cmd):
        host = _opt(cmd, "--server.address")
        if host and re.fullmatch(PUBLIC, host):
            yield finding("streamlit-exposed", path, line, "Streamlit bound to all interfaces")
    if re.search(r"\bvllm\s+serve\b|vllm\.entrypoints\.openai\.api_server", cmd) and "--api-key" not in cmd:
        yield finding("vllm-no-api-key", path, line, "vLLM OpenAI-compatible server started without --api-key")
    if re.search(rf"\bOLLAMA_HOST=[\"']?(?:https?://)?{PUBLIC}", cmd):
        yield finding("ollama-exposed", path, line, "OLLAMA_HOST binds Ollama to all interfaces")


def check_env(name: str, value: str, path: str, line: int | None) -> Iterator[Finding]:
    """Environment variables that expose a server (compose ``environment``, container ``env``)."""
    if name == "OLLAMA_HOST" and re.match(rf"(?:https?://)?{PUBLIC}", value):
        yield finding("ollama-exposed", path, line, "OLLAMA_HOST binds Ollama to all interfaces")
    if name == "TS_DISABLE_TOKEN_AUTHORIZATION" and value.lower() == "true":
        yield finding("torchserve-management-exposed", path, line, "TorchServe token authorization disabled",
                      severity=Severity.HIGH)


def logical_lines(text: str) -> Iterator[tuple[int, str]]:
    """(first line number, line) with backslash continuations joined."""
    buffer, start = "", 1
    for number, raw in enumerate(text.splitlines(), 1):
        if not buffer:
            start = number
        if raw.rstrip().endswith("\\"):
            buffer += raw.rstrip()[:-1] + " "
            continue
        yield start, buffer + raw
        buffer = ""
    if buffer:
        yield start, buffer


def check_script(text: str, path: str) -> Iterator[Finding]:
    """Every command of a shell script, Makefile or Procfile."""
    for number, line in logical_lines(text):
        if not line.lstrip().startswith("#"):
            yield from check_command(line, path, number)


def check_python_calls(text: str, path: str) -> Iterator[Finding]:
    """Python-launched servers, read from the syntax tree: Gradio ``launch(share=True)``,
    ``ray.init(dashboard_host="0.0.0.0")``, ``os.environ["OLLAMA_HOST"] = "0.0.0.0"``."""
    import ast

    try:
        tree = ast.parse(text)
    except SyntaxError:
        return  # reported by the code checks
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""
            kwargs = {k.arg: k.value for k in node.keywords if k.arg}
            share = kwargs.get("share")
            if name == "launch" and isinstance(share, ast.Constant) and share.value is True:
                yield finding("gradio-share", path, node.lineno,
                              "Gradio launch(share=True) publishes the app on a public URL")
            host = kwargs.get("dashboard_host")
            if name == "init" and isinstance(host, ast.Constant) and re.fullmatch(PUBLIC, str(host.value)):
                yield finding("ray-exposed", path, node.lineno,
                              f"ray.init(dashboard_host={host.value!r}) exposes the dashboard and job API")
        elif isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant):
            for target in node.targets:
                if (isinstance(target, ast.Subscript) and isinstance(target.slice, ast.Constant)
                        and target.slice.value == "OLLAMA_HOST"):
                    yield from check_env("OLLAMA_HOST", str(node.value.value), path, node.lineno)


def check_jupyter_config(text: str, path: str) -> Iterator[Finding]:
    """jupyter_server_config.py / jupyter_notebook_config.py (and their JSON forms)."""
    token = re.search(r"""c\.(?:ServerApp|NotebookApp|IdentityProvider)\.token\s*=\s*(?:''|""|u'')\s*$""", text, re.M)
    token_json = re.search(r'"token"\s*:\s*""', text)
    password = re.search(r"""\.(?:password|hashed_password)\s*=\s*['"][^'"]+['"]|"(?:hashed_)?password"\s*:\s*"[^"]+""", text)
    if (token or token_json) and not password:
        line = text.count("\n", 0, (token or token_json).start()) + 1
        public = re.search(rf"""\.ip\s*=\s*['"]{PUBLIC}['"]|"ip"\s*:\s*"{PUBLIC}""", text)
        yield finding("jupyter-no-auth", path, line, "Jupyter config sets an empty token and no password",
                      severity=Severity.CRITICAL if public else Severity.HIGH)


def check_torchserve_properties(text: str, path: str) -> Iterator[Finding]:
    """TorchServe config.properties: management address, allowed_urls, token authorization."""
    for number, raw in enumerate(text.splitlines(), 1):
        key, _, value = raw.partition("=")
        key, value = key.strip(), value.strip()
        if key == "management_address" and re.search(rf"//{PUBLIC}", value):
            yield finding("torchserve-management-exposed", path, number,
                          f"TorchServe management API bound to {value} (model registration = code execution)")
        elif key == "allowed_urls" and re.fullmatch(r"\^?(?:https?\??:?(?://)?)?\.\*\$?|.*\(https\?\|.*\)\.\*.*|\.\*", value):
            yield finding("torchserve-management-exposed", path, number,
                          "TorchServe allowed_urls accepts any URL for model registration")
        elif key == "disable_token_authorization" and value.lower() == "true":
            yield finding("torchserve-management-exposed", path, number, "TorchServe token authorization disabled",
                          severity=Severity.HIGH)


def check_streamlit_toml(text: str, path: str) -> Iterator[Finding]:
    match = re.search(rf"""^\s*address\s*=\s*["']{PUBLIC}["']""", text, re.M)
    if match and "[server]" in text:
        yield finding("streamlit-exposed", path, text.count("\n", 0, match.start()) + 1,
                      "Streamlit server.address binds all interfaces")
