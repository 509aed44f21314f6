"""Risky code found by reading the syntax tree (never by running it): deserialisation of untrusted
artifacts, remote code, disabled TLS checks and shell injection."""

from __future__ import annotations

import ast
from collections.abc import Iterator

from secplan.platform.findings import Finding, finding

PICKLE_LOADS = {
    "pickle.load", "pickle.loads", "pickle.Unpickler", "_pickle.load", "_pickle.loads", "cPickle.load",
    "cPickle.loads", "joblib.load", "sklearn.externals.joblib.load", "dill.load", "dill.loads",
    "cloudpickle.load", "cloudpickle.loads", "pandas.read_pickle", "torch.serialization.load",
}
HTTP_MODULES = {"requests", "httpx", "urllib3", "aiohttp"}
HTTP_CALLS = {"get", "post", "put", "patch", "delete", "head", "options", "request", "Session", "Client",
              "AsyncClient", "stream"}
SAFE_YAML_LOADERS = {"SafeLoader", "CSafeLoader", "BaseLoader", "CBaseLoader"}


class _Aliases(ast.NodeVisitor):
    """What local names stand for: ``import numpy as np`` -> np: numpy; ``from torch import load`` -> load: torch.load."""

    def __init__(self) -> None:
        self.names: dict[str, str] = {}

    def visit_Import(self, node: ast.Import) -> None:
        for alias in node.names:
            self.names[alias.asname or alias.name.split(".")[0]] = alias.name if alias.asname else alias.name.split(".")[0]

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        for alias in node.names:
            if node.module:
                self.names[alias.asname or alias.name] = f"{node.module}.{alias.name}"


def _dotted(node: ast.AST, aliases: dict[str, str]) -> str | None:
    parts: list[str] = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name):
        return None
    parts.append(aliases.get(node.id, node.id))
    return ".".join(reversed(parts))


def _kw(call: ast.Call, name: str) -> ast.expr | None:
    return next((k.value for k in call.keywords if k.arg == name), None)


def _is_const(node: ast.expr | None, value: object) -> bool:
    return isinstance(node, ast.Constant) and node.value is value


def _column(lines: list[str], node: ast.expr) -> int | None:
    """1-based column in characters (ast counts UTF-8 bytes)."""
    if not 0 < node.lineno <= len(lines):
        return None
    return len(lines[node.lineno - 1].encode("utf-8")[: node.col_offset].decode("utf-8", "ignore")) + 1


def check_python(source: str, path: str, *, line_offset: int = 0, member: str | None = None) -> Iterator[Finding]:
    """Findings for one module (or notebook cell). Raises SyntaxError for code that does not parse."""
    tree = ast.parse(source)
    lines = source.splitlines()
    visitor = _Aliases()
    visitor.visit(tree)
    aliases = visitor.names
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        name = _dotted(node.func, aliases) or ""
        line = node.lineno + line_offset
        column = _column(lines, node)

        def hit(rule: str, message: str, _line: int = line, _column: int | None = column) -> Finding:
            return finding(rule, path, _line, message, member=member, column=_column)

        if name == "torch.load" and not _is_const(_kw(node, "weights_only"), True):
            yield hit("torch-load-unsafe", "torch.load without weights_only=True can execute code from the file")
        elif name in PICKLE_LOADS:
            yield hit("pickle-load", f"{name}() executes code embedded in the file it loads")
        elif name in ("numpy.load", "np.load") and _is_const(_kw(node, "allow_pickle"), True):
            yield hit("numpy-allow-pickle", "numpy.load(allow_pickle=True) unpickles object arrays")
        elif name in ("yaml.unsafe_load", "yaml.unsafe_load_all"):
            yield hit("yaml-unsafe-load", f"{name}() constructs arbitrary Python objects")
        elif name in ("yaml.load", "yaml.load_all"):
            loader = _kw(node, "Loader") or (node.args[1] if len(node.args) > 1 else None)
            loader_name = (_dotted(loader, aliases) or "").rsplit(".", 1)[-1] if loader is not None else ""
            if loader_name not in SAFE_YAML_LOADERS:
                yield hit("yaml-unsafe-load", f"{name}() with {'Loader=' + loader_name if loader_name else 'no Loader'}")
        if _is_const(_kw(node, "trust_remote_code"), True):
            yield hit("trust-remote-code", f"{name or 'call'}(trust_remote_code=True) runs code from the model repository")
        if _is_const(_kw(node, "safe_mode"), False):
            yield hit("keras-unsafe-mode", f"{name or 'call'}(safe_mode=False) lets a model file run code")
        if _is_const(_kw(node, "allow_dangerous_deserialization"), True):
            yield hit("dangerous-deserialization", f"{name or 'call'}(allow_dangerous_deserialization=True) unpickles the store")
        if _is_const(_kw(node, "verify"), False) and (
            name.split(".")[0] in HTTP_MODULES or name.rsplit(".", 1)[-1] in HTTP_CALLS
        ):
            yield hit("tls-verify-disabled", f"{name}(verify=False) accepts any TLS certificate")
        if name.startswith("subprocess.") and _is_const(_kw(node, "shell"), True):
            yield hit("subprocess-shell", f"{name}(shell=True) runs its command through a shell")
