"""ML servers wherever they are launched: shell commands (scripts, Dockerfile CMD, compose commands,
container args), Python calls, and the servers' own config files.

The rules encode when each server is reachable without authentication: a public inference port is
normal, an open management or job API is not.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Callable, Iterator

from secplan.platform.config.locate import CommandLines, toml_key_line
from secplan.platform.config.runtime import check_run_command
from secplan.platform.findings import Finding, finding
from secplan.vocabulary import Severity

PUBLIC = r"(?:0\.0\.0\.0|::|\[::\]|\*)"

#: Ports of ML servers whose exposure is a finding (management, job and notebook APIs).
ML_PORTS: dict[int, str] = {
    8888: "Jupyter", 8265: "Ray dashboard/job API", 10001: "Ray client", 5000: "MLflow", 8081: "TorchServe management",
    6006: "TensorBoard", 7860: "Gradio", 8501: "Streamlit", 11434: "Ollama", 8002: "Triton metrics",
}
JUPYTER = re.compile(r"\bjupyter(?:-|\s+)(?:notebook|lab|server|nbclassic)\b|\bstart-notebook\.(?:sh|py)\b"
                     r"|\bstart\.sh\s+jupyter\b|\bpython[\d.]*\s+-m\s+(?:jupyter|jupyterlab|notebook|jupyter_server)\b")
JUPYTER_TOKENS = ("--IdentityProvider.token", "--ServerApp.token", "--NotebookApp.token")
JUPYTER_PASSWORDS = ("--PasswordIdentityProvider.hashed_password", "--ServerApp.password", "--NotebookApp.password")
TRUST_REMOTE_CODE = re.compile(r"(?:^|\s)(--trust[-_]remote[-_]code)(?:[=\s]+(true|1|yes))?(?=\s|$)", re.I)
ENV_ASSIGNMENT = re.compile(r"(?:^|[\s;&|(])(?:export\s+)?([A-Z][A-Z0-9_]*)=(\"[^\"]*\"|'[^']*'|\S*)")
#: Probe URLs for TorchServe's allowed_urls: a pattern that accepts any of them accepts everything.
FOREIGN_URLS = ("https://attacker.invalid/model.mar", "http://attacker.invalid/model.mar", "file:///etc/passwd",
                "http://169.254.169.254/latest/meta-data/")


def _opt(command: str, *names: str) -> str | None:
    """The value of a command-line option (``--x v``, ``--x=v``, quotes stripped), or None."""
    for name in names:
        match = re.search(rf"(?:^|\s){re.escape(name)}(?:=(\"[^\"]*\"|'[^']*'|\S*)|\s+(\"[^\"]*\"|'[^']*'|[^-\s]\S*))",
                          command)
        if match:
            return (match.group(1) if match.group(1) is not None else match.group(2)).strip("\"'")
    return None


def _first(command: str, *names: str) -> str | None:
    """The first of ``names`` present in ``command`` (for locating it)."""
    return next((n for n in names if n in command), None)


def _false(value: str | None) -> bool:
    return value is not None and value.strip("\"'").lower() in ("false", "0", "no")


def check_command(command: str, path: str, line: int | None,
                  where: Callable[[str | None], int | None] | None = None) -> Iterator[Finding]:
    """Findings for one shell command line. ``where(token)`` gives the line a flag is written on
    (continuation lines, command lists in YAML); without it every finding is on ``line``."""
    cmd = " ".join(command.split())

    def at(token: str | None) -> int | None:
        return where(token) if where is not None else line

    yield from check_run_command(cmd, path, at)
    if JUPYTER.search(cmd):
        token = _opt(cmd, *JUPYTER_TOKENS)
        password = _opt(cmd, *JUPYTER_PASSWORDS)
        if token == "" and not password:
            public = bool(re.fullmatch(PUBLIC, _opt(cmd, "--ip", "--ServerApp.ip", "--NotebookApp.ip") or ""))
            yield finding("jupyter-no-auth", path, at(_first(cmd, *JUPYTER_TOKENS)),
                          "Jupyter started with an empty token and no password"
                          + (" on all interfaces" if public else ""),
                          severity=Severity.CRITICAL if public else Severity.HIGH)
    if re.search(r"\bray\s+start\b", cmd) and "--head" in cmd:
        host = _opt(cmd, "--dashboard-host")
        if host and re.fullmatch(PUBLIC, host) and not re.search(r"RAY_AUTH_MODE=token", cmd, re.I):
            yield finding("ray-exposed", path, at("--dashboard-host"),
                          "Ray dashboard and job API bound to all interfaces (Ray has no built-in authentication)")
    if re.search(r"\bmlflow\s+(?:server|ui)\b", cmd):
        host = _opt(cmd, "--host", "-h")
        if host and re.fullmatch(PUBLIC, host) and _opt(cmd, "--app-name") != "basic-auth":
            yield finding("mlflow-no-auth", path, at(_first(cmd, "--host", "-h")),
                          f"MLflow server on {host} without --app-name basic-auth")
    if re.search(r"\btorchserve\b", cmd) and "--disable-token-auth" in cmd:
        yield finding("torchserve-token-auth-disabled", path, at("--disable-token-auth"),
                      "TorchServe started with --disable-token-auth")
    if re.search(r"\btritonserver\b", cmd):
        mode = _opt(cmd, "--model-control-mode")
        if mode in ("explicit", "poll") and not re.search(r"--(?:http|grpc)-restricted-api", cmd):
            yield finding("triton-model-control-exposed", path, at("--model-control-mode"),
                          f"Triton model control mode {mode!r} without a restricted API: anyone who reaches "
                          "the server can load, unload and replace models")
    if re.search(r"\btensorboard\b", cmd):
        host = _opt(cmd, "--host")
        if "--bind_all" in cmd or (host and re.fullmatch(PUBLIC, host)):
            yield finding("tensorboard-bind-all", path, at(_first(cmd, "--bind_all", "--host")),
                          "TensorBoard bound to all interfaces")
    if re.search(r"\bstreamlit\s+run\b", cmd):
        host = _opt(cmd, "--server.address")
        if host and re.fullmatch(PUBLIC, host):
            yield finding("streamlit-exposed", path, at("--server.address"), "Streamlit bound to all interfaces")
        if _false(_opt(cmd, "--server.enableXsrfProtection")):
            yield finding("streamlit-xsrf-disabled", path, at("--server.enableXsrfProtection"),
                          "Streamlit started with --server.enableXsrfProtection=false")
        if _false(_opt(cmd, "--server.enableCORS")):
            yield finding("streamlit-cors-disabled", path, at("--server.enableCORS"),
                          "Streamlit started with --server.enableCORS=false")
    if re.search(r"\bvllm\s+serve\b|vllm\.entrypoints\.openai\.api_server", cmd) and "--api-key" not in cmd:
        yield finding("vllm-no-api-key", path, at(_first(cmd, "vllm serve", "vllm.entrypoints")),
                      "vLLM OpenAI-compatible server started without --api-key")
    remote = TRUST_REMOTE_CODE.search(cmd)
    if remote:
        tool = cmd[: remote.start()].split()
        yield finding("server-trust-remote-code", path, at(remote.group(1)),
                      f"{' '.join(tool[:2]) or 'command'} ... {remote.group(1)}: Python files from the model "
                      "repository run in the server process")
    for env in ENV_ASSIGNMENT.finditer(cmd):
        yield from check_env(env.group(1), env.group(2).strip("\"'"), path, at(f"{env.group(1)}="))


def check_env(name: str, value: str, path: str, line: int | None) -> Iterator[Finding]:
    """Environment variables that expose a server or disable a protection (compose ``environment``,
    container ``env``, Dockerfile ``ENV``, ``export`` and ``VAR=value cmd`` in scripts)."""
    value = value.strip().strip("\"'")
    if name == "OLLAMA_HOST" and re.match(rf"(?:https?://)?{PUBLIC}", value):
        yield finding("ollama-exposed", path, line, "OLLAMA_HOST binds Ollama to all interfaces")
    elif name == "TS_DISABLE_TOKEN_AUTHORIZATION" and value.lower() == "true":
        yield finding("torchserve-token-auth-disabled", path, line, "TorchServe token authorization disabled "
                      "(TS_DISABLE_TOKEN_AUTHORIZATION=true)")
    elif name == "TS_MANAGEMENT_ADDRESS" and re.search(rf"//{PUBLIC}", value):
        yield finding("torchserve-management-exposed", path, line,
                      f"TorchServe management API bound to {value} (model registration = code execution)")
    elif name == "TS_ALLOWED_URLS" and allows_any_url(value):
        yield finding("torchserve-allowed-urls-open", path, line,
                      "TS_ALLOWED_URLS accepts any URL for model registration")
    elif name == "STREAMLIT_SERVER_ENABLE_XSRF_PROTECTION" and _false(value):
        yield finding("streamlit-xsrf-disabled", path, line, "STREAMLIT_SERVER_ENABLE_XSRF_PROTECTION=false")
    elif name == "STREAMLIT_SERVER_ENABLE_CORS" and _false(value):
        yield finding("streamlit-cors-disabled", path, line, "STREAMLIT_SERVER_ENABLE_CORS=false")
    elif name == "STREAMLIT_SERVER_ADDRESS" and re.fullmatch(PUBLIC, value):
        yield finding("streamlit-exposed", path, line, "STREAMLIT_SERVER_ADDRESS binds all interfaces")
    elif name == "GRADIO_SERVER_NAME" and re.fullmatch(PUBLIC, value):
        yield finding("gradio-no-auth", path, line, "GRADIO_SERVER_NAME binds Gradio to all interfaces: "
                      "anyone on the network uses the app unless launch() passes auth=",
                      severity=Severity.MEDIUM)
    elif name in ("TRUST_REMOTE_CODE", "VLLM_TRUST_REMOTE_CODE") and value.lower() in ("true", "1", "yes"):
        yield finding("server-trust-remote-code", path, line, f"{name}={value}: Python files from the model "
                      "repository run in the server process")


def allows_any_url(patterns: str) -> bool:
    """TorchServe ``allowed_urls`` (comma-separated Java regexes, matched in full): True when one of
    them accepts a URL on a host nobody chose, or a local file."""
    for pattern in (p.strip() for p in patterns.split(",")):
        if not pattern:
            continue
        try:
            regex = re.compile(pattern)
        except re.error:
            continue
        if any(regex.fullmatch(url) for url in FOREIGN_URLS):
            return True
    return False


def logical_lines(text: str) -> Iterator[tuple[CommandLines, str]]:
    """(where, line) with backslash continuations joined; ``where`` maps a token back to its physical line."""
    buffer, start, pieces = "", 1, []
    for number, raw in enumerate(text.splitlines(), 1):
        if not buffer:
            start, pieces = number, []
        pieces.append(raw)
        if raw.rstrip().endswith("\\"):
            buffer += raw.rstrip()[:-1] + " "
            continue
        yield CommandLines(start, tuple(pieces)), buffer + raw
        buffer = ""
    if buffer:
        yield CommandLines(start, tuple(pieces)), buffer


def check_script(text: str, path: str) -> Iterator[Finding]:
    """Every command of a shell script, Makefile or Procfile."""
    for where, line in logical_lines(text):
        if not line.lstrip().startswith("#"):
            yield from check_command(line, path, where.start, where=where.at)


def _public_constant(node: ast.expr | None) -> bool:
    return isinstance(node, ast.Constant) and isinstance(node.value, str) and bool(re.fullmatch(PUBLIC, node.value))


def check_python_calls(text: str, path: str) -> Iterator[Finding]:
    """Python-launched servers, read from the syntax tree: Gradio ``launch(share=True)`` and
    ``launch(server_name="0.0.0.0")`` without ``auth``, ``ray.init(dashboard_host="0.0.0.0")``,
    ``os.environ["OLLAMA_HOST"] = "0.0.0.0"`` (any variable :func:`check_env` knows)."""
    try:
        tree = ast.parse(text)
    except SyntaxError:
        return  # reported by the code checks
    gradio = "gradio" in text
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""
            kwargs = {k.arg: k for k in node.keywords if k.arg}
            share = kwargs.get("share")
            if name == "launch" and share is not None and isinstance(share.value, ast.Constant) and share.value.value is True:
                yield finding("gradio-share", path, share.lineno,
                              "Gradio launch(share=True) publishes the app on a public URL")
            server = kwargs.get("server_name")
            if (name == "launch" and gradio and server is not None and _public_constant(server.value)
                    and not ({"auth", "auth_dependency"} & set(kwargs))):
                yield finding("gradio-no-auth", path, server.lineno,
                              f"Gradio launch(server_name={server.value.value!r}) without auth=: anyone on the "
                              "network uses the app")  # type: ignore[union-attr]
            host = kwargs.get("dashboard_host")
            if name == "init" and host is not None and _public_constant(host.value):
                yield finding("ray-exposed", path, host.lineno,
                              f"ray.init(dashboard_host={host.value.value!r}) exposes the dashboard and job API")  # type: ignore[union-attr]
        elif isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant):
            for target in node.targets:
                if (isinstance(target, ast.Subscript) and isinstance(target.slice, ast.Constant)
                        and isinstance(target.slice.value, str)):
                    yield from check_env(target.slice.value, str(node.value.value), path, node.lineno)


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


TORCHSERVE_KEYS = ("inference_address", "management_address", "model_store", "load_models", "metrics_address")


def check_torchserve_properties(text: str, path: str) -> Iterator[Finding]:
    """TorchServe config.properties: management address, allowed_urls (the default accepts every
    URL and local file), token authorization."""
    keys: dict[str, tuple[int, str]] = {}
    for number, raw in enumerate(text.splitlines(), 1):
        if raw.lstrip().startswith(("#", "!")):
            continue
        key, _, value = raw.partition("=")
        keys.setdefault(key.strip(), (number, value.strip()))
    if "management_address" in keys and re.search(rf"//{PUBLIC}", keys["management_address"][1]):
        number, value = keys["management_address"]
        yield finding("torchserve-management-exposed", path, number,
                      f"TorchServe management API bound to {value} (model registration = code execution)")
    if "allowed_urls" in keys:
        number, value = keys["allowed_urls"]
        if allows_any_url(value):
            yield finding("torchserve-allowed-urls-open", path, number,
                          "TorchServe allowed_urls accepts URLs on any host or local files for model registration")
    elif any(k in keys for k in TORCHSERVE_KEYS):
        first = min(keys[k][0] for k in TORCHSERVE_KEYS if k in keys)
        yield finding("torchserve-allowed-urls-open", path, keys.get("management_address", (first,))[0],
                      "no allowed_urls: TorchServe's default accepts every URL and local file for model "
                      "registration", severity=Severity.MEDIUM)
    if "disable_token_authorization" in keys and keys["disable_token_authorization"][1].lower() == "true":
        yield finding("torchserve-token-auth-disabled", path, keys["disable_token_authorization"][0],
                      "TorchServe token authorization disabled (disable_token_authorization=true)")


def check_streamlit_toml(text: str, path: str) -> Iterator[Finding]:
    """``.streamlit/config.toml``: [server] address, enableXsrfProtection, enableCORS."""
    from secplan.documents import parse_toml

    server = (parse_toml(text, path).get("server") or {})
    if not isinstance(server, dict):
        return
    address = server.get("address")
    if isinstance(address, str) and re.fullmatch(PUBLIC, address):
        yield finding("streamlit-exposed", path, toml_key_line(text, "server", "address"),
                      "Streamlit server.address binds all interfaces")
    if server.get("enableXsrfProtection") is False:
        yield finding("streamlit-xsrf-disabled", path, toml_key_line(text, "server", "enableXsrfProtection"),
                      "Streamlit server.enableXsrfProtection = false: other sites can post to the app as its users")
    if server.get("enableCORS") is False:
        yield finding("streamlit-cors-disabled", path, toml_key_line(text, "server", "enableCORS"),
                      "Streamlit server.enableCORS = false: any origin may call the app")
