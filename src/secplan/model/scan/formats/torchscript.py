"""TorchScript archives: the code ``torch.jit.save`` writes (``code/__torch__/*.py``), read as syntax.

``torch.jit.load`` compiles those files with TorchScript's compiler and runs their ``__setstate__``
and, later, ``forward``. Their calls resolve to TorchScript builtins (``torch.*`` and
``ops.aten/prim.*`` operators), to classes compiled from the archive itself (``__torch__.*``) and to
methods of values. A call outside that small set (a custom operator namespace, which needs a
native library; ``torch.from_file``/``torch.load``, which reach files; any other module) is
reported. The text is parsed with :mod:`ast` and never compiled or run.
"""

from __future__ import annotations

import ast

from secplan.model.scan.policy import Judgement, Policy
from secplan.model.scan.result import Finding, Verdict

MAX_SIZE = 16 << 20
BUILTINS = frozenset({
    "int", "float", "bool", "str", "len", "range", "print", "isinstance", "annotate", "unchecked_cast",
    "uninitialized", "getattr", "hasattr", "min", "max", "abs", "round", "list", "dict", "tuple", "enumerate",
    "zip", "sorted", "divmod", "chr", "ord", "hash", "hex", "oct", "bin", "any", "all", "sum", "complex",
    "torch", "ops", "math", "Exception", "AssertionError", "RuntimeError", "ValueError", "TypeError",
    "IndexError", "KeyError", "StopIteration", "NotImplementedError", "ZeroDivisionError", "reversed",
    "id", "iter", "next", "slice", "format", "type", "super", "Future", "Await", "fork", "wait", "rpc_async",
})
"""Names TorchScript's compiler resolves by itself (``fork``/``wait`` are ``torch.jit`` futures)."""
OP_NAMESPACES = frozenset({"aten", "prim", "quantized", "_quantized", "quantized_decomposed", "prepacked",
                           "_caffe2", "profiler", "cuda", "_c10d_functional", "c10d_functional", "mkldnn",
                           "mkldnn_prepacked", "xnnpack", "_prepacked", "sparse"})
"""Operator namespaces of torch itself; any other one comes from a library loaded beside the model."""
FILE_CALLS = frozenset({"from_file", "load", "save", "_load_for_lite_interpreter"})
"""``torch.*`` and ``aten::*`` functions that read or write files."""


def check(source: bytes, policy: Policy, member: str | None) -> list[Finding]:
    """Findings for one TorchScript code file."""
    try:
        tree = ast.parse(source.decode("utf-8"))
    except (SyntaxError, UnicodeDecodeError, ValueError, RecursionError) as exc:
        return [Finding("torchscript-malformed", Verdict.SUSPICIOUS, f"the code file does not parse "
                        f"({type(exc).__name__}): TorchScript's compiler reads it another way", member)]
    local = _local_names(tree)
    findings: dict[str, Finding] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import | ast.ImportFrom):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else [node.module or ""]
            for name in names:
                if name.split(".")[0] not in ("__torch__", "torch"):
                    findings.setdefault(name, _finding(name, policy, member, node.lineno, "imports"))
        if not isinstance(node, ast.Call):
            continue
        dotted = _dotted(node.func)
        if dotted is None:
            continue  # a call on a computed value (a subscript, another call's result): a method of data
        root = dotted[0]
        if root in local and root not in ("torch", "ops"):
            continue  # a method of a value or of self
        problem = _judge(dotted, policy)
        if problem is not None:
            name = ".".join(dotted)
            findings.setdefault(name, Finding(problem[0], problem[1], f"line {node.lineno} calls {name}: "
                                              f"{problem[2]}", member, None, name))
    return list(findings.values())


def _finding(name: str, policy: Policy, member: str | None, line: int, how: str) -> Finding:
    module, _, attr = name.rpartition(".")
    judged = policy.judge(module or name, attr or name)[0]
    verdict = Verdict.UNSAFE if judged is Judgement.UNSAFE else Verdict.SUSPICIOUS
    return Finding("torchscript-call", verdict, f"line {line} {how} {name}: not TorchScript's own", member,
                   None, name)


def _judge(dotted: list[str], policy: Policy) -> tuple[str, Verdict, str] | None:
    root = dotted[0]
    if root == "__torch__":
        return None  # compiled from this archive's own code files, which are analysed too
    if len(dotted) == 1:
        if root in BUILTINS:
            return None
        return "torchscript-call", Verdict.SUSPICIOUS, "not a TorchScript builtin nor defined in the archive"
    ops = dotted[1:] if root == "ops" else dotted[2:] if dotted[:2] == ["torch", "ops"] else None
    if ops is not None:
        if ops and ops[-1] in FILE_CALLS:
            return "torchscript-call", Verdict.UNSAFE, "an operator that reads or writes files"
        if ops and ops[0] not in OP_NAMESPACES:
            return ("torchscript-custom-op", Verdict.SUSPICIOUS,
                    f"operator namespace {ops[0]!r} is not torch's: it needs a native library loaded beside the model")
        return None
    if root == "torch":
        # TorchScript resolves torch.* to its own operators; only those that reach files matter here.
        if dotted[-1] in FILE_CALLS:
            return "torchscript-call", Verdict.UNSAFE, "it reads or writes files"
        return None
    if root == "math":
        return None
    judged = policy.judge(".".join(dotted[:-1]), dotted[-1])[0]
    verdict = Verdict.UNSAFE if judged is Judgement.UNSAFE else Verdict.SUSPICIOUS
    return "torchscript-call", verdict, "outside TorchScript's builtins and the archive's own code"


def _dotted(func: ast.expr) -> list[str] | None:
    parts: list[str] = []
    while isinstance(func, ast.Attribute):
        parts.append(func.attr)
        func = func.value
    if not isinstance(func, ast.Name):
        return None
    parts.append(func.id)
    return parts[::-1]


def _local_names(tree: ast.AST) -> set[str]:
    """Names bound in the file: parameters, assignments, loop and ``with`` targets, definitions."""
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.arg):
            names.add(node.arg)
        elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            names.add(node.id)
        elif isinstance(node, ast.FunctionDef | ast.ClassDef):
            names.add(node.name)
    return names
