"""Chat templates are Jinja2 programs that inference servers render. Parse (never render) them and
flag what a sandbox would refuse: private and dunder attributes, the unsafe attributes Jinja2's own
sandbox lists, ``attr()`` filters with such names, and globals that lead to the interpreter."""

from __future__ import annotations

from jinja2 import nodes
from jinja2.exceptions import TemplateSyntaxError
from jinja2.sandbox import (
    UNSAFE_ASYNC_GENERATOR_ATTRIBUTES,
    UNSAFE_COROUTINE_ATTRIBUTES,
    UNSAFE_FUNCTION_ATTRIBUTES,
    UNSAFE_GENERATOR_ATTRIBUTES,
    UNSAFE_METHOD_ATTRIBUTES,
    ImmutableSandboxedEnvironment,
)

_UNSAFE_ATTRS = (UNSAFE_FUNCTION_ATTRIBUTES | UNSAFE_METHOD_ATTRIBUTES | UNSAFE_GENERATOR_ATTRIBUTES
                 | UNSAFE_COROUTINE_ATTRIBUTES | UNSAFE_ASYNC_GENERATOR_ATTRIBUTES
                 | {"mro", "format", "format_map", "__class__"})
_RISKY_GLOBALS = {"self", "cycler", "joiner", "lipsum", "config", "request", "url_for", "get_flashed_messages",
                  "g", "session", "__builtins__", "os", "sys", "subprocess"}
MAX_TEMPLATE = 1 << 20


def _refused(attr: str) -> bool:
    return attr.startswith("_") or attr in _UNSAFE_ATTRS


def check_template(source: str) -> list[tuple[str, str]]:
    """(verdict, reason) pairs for a template; empty when it only formats messages."""
    if len(source) > MAX_TEMPLATE:
        return [("suspicious", f"template longer than {MAX_TEMPLATE} characters")]
    try:
        tree = ImmutableSandboxedEnvironment().parse(source)
    except TemplateSyntaxError as exc:
        return [("suspicious", f"template does not parse (line {exc.lineno}): {exc.message}")]
    except RecursionError:
        return [("suspicious", "template nests too deeply to parse")]
    problems: list[tuple[str, str]] = []
    for node in tree.find_all((nodes.Getattr, nodes.Getitem, nodes.Filter, nodes.Name, nodes.Const)):
        if isinstance(node, nodes.Getattr) and _refused(node.attr):
            problems.append(("unsafe", f"reads attribute {node.attr!r}, which a sandbox refuses"))
        elif isinstance(node, nodes.Getitem) and isinstance(node.arg, nodes.Const) \
                and isinstance(node.arg.value, str) and _refused(node.arg.value) and node.arg.value.startswith("_"):
            problems.append(("unsafe", f"reads item {node.arg.value!r}, a private attribute by another name"))
        elif isinstance(node, nodes.Filter) and node.name in {"attr", "map", "selectattr", "rejectattr"}:
            for arg in [*node.args, *(kw.value for kw in node.kwargs)]:
                if isinstance(arg, nodes.Const) and isinstance(arg.value, str) and _refused(arg.value):
                    problems.append(("unsafe", f"filter {node.name} reaches attribute {arg.value!r}"))
        elif isinstance(node, nodes.Name) and node.ctx == "load" and node.name in _RISKY_GLOBALS:
            problems.append(("suspicious", f"uses global {node.name!r}, a known route to the interpreter"))
        elif isinstance(node, nodes.Const) and isinstance(node.value, str) and "__" in node.value \
                and any(_refused(part) for part in node.value.split(".") if part.startswith("__")):
            problems.append(("suspicious", f"string constant {node.value[:40]!r} names a dunder attribute"))
    return sorted(set(problems))
