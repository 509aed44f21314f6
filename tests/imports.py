"""The import graph of secplan's modules, read from the source (nothing is imported).

By default only imports that run when a module is imported count: module-level statements,
including those under ``if``/``try``/``with`` and in class bodies. Imports inside functions (lazy
loading of heavy libraries or optional engines) count with ``lazy=True``; imports under
``if TYPE_CHECKING:`` never do.

``from a.b import c`` is an edge to ``a.b.c`` when that is a module, else to ``a.b`` (as
import-linter's grimp records it). Tests build rules on top: no cycles here, layer rules elsewhere.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator, Mapping
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src"


def module_files(src: Path = SRC, package: str = "secplan") -> dict[str, Path]:
    """Every module of ``package`` under ``src`` by dotted name (a package by its ``__init__``)."""
    modules: dict[str, Path] = {}
    for path in sorted((src / package).rglob("*.py")):
        parts = list(path.relative_to(src).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        modules[".".join(parts)] = path
    return modules


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def _imports(node: ast.AST, lazy: bool) -> Iterator[ast.Import | ast.ImportFrom]:
    """Import statements under ``node`` that run when the module is imported (with ``lazy``, also
    those inside functions); never those under ``if TYPE_CHECKING:``, which only type checkers read."""
    for child in ast.iter_child_nodes(node):
        if isinstance(child, ast.Import | ast.ImportFrom):
            yield child
        elif isinstance(child, ast.If) and _is_type_checking(child.test):
            for stmt in child.orelse:
                yield from _imports(ast.Module(body=[stmt], type_ignores=[]), lazy)
        elif isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef) and not lazy:
            continue
        elif isinstance(child, ast.stmt | ast.ExceptHandler | ast.match_case):
            yield from _imports(child, lazy)


def _targets(node: ast.Import | ast.ImportFrom, module: str, is_package: bool, known: set[str],
             package: str) -> Iterator[str]:
    if isinstance(node, ast.Import):
        names = [alias.name for alias in node.names]
    else:
        base = node.module or ""
        if node.level:
            anchor = module.split(".") if is_package else module.split(".")[:-1]
            anchor = anchor[:len(anchor) - (node.level - 1)]
            base = ".".join([*anchor, base] if base else anchor)
        names = [f"{base}.{alias.name}" if f"{base}.{alias.name}" in known else base for alias in node.names]
    for name in names:
        if name == package or name.startswith(package + "."):
            # ``import a.b.c`` of something that is not a module: the nearest enclosing module.
            while name not in known and "." in name:
                name = name.rsplit(".", 1)[0]
            yield name


def import_graph(src: Path = SRC, package: str = "secplan", *, lazy: bool = False) -> dict[str, set[str]]:
    """Module -> the modules of ``package`` it imports at load time (with ``lazy``, also inside functions)."""
    files = module_files(src, package)
    known = set(files)
    graph: dict[str, set[str]] = {}
    for module, path in files.items():
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        is_package = path.name == "__init__.py"
        graph[module] = {target for node in _imports(tree, lazy)
                         for target in _targets(node, module, is_package, known, package) if target != module}
    return graph


def cycles(graph: Mapping[str, set[str]]) -> list[list[str]]:
    """One cycle (``[a, b, ..., a]``) per strongly connected group of modules that import each other."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    groups: list[set[str]] = []

    def connect(start: str) -> None:  # Tarjan's algorithm, iterative so deep graphs do not recurse
        work = [(start, iter(sorted(graph.get(start, ()))))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            node, edges = work[-1]
            for nxt in edges:
                if nxt not in index:
                    index[nxt] = low[nxt] = len(index)
                    stack.append(nxt)
                    on_stack.add(nxt)
                    work.append((nxt, iter(sorted(graph.get(nxt, ())))))
                    break
                if nxt in on_stack:
                    low[node] = min(low[node], index[nxt])
            else:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[node])
                if low[node] == index[node]:
                    group = set()
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        group.add(member)
                        if member == node:
                            break
                    if len(group) > 1:
                        groups.append(group)

    for node in sorted(graph):
        if node not in index:
            connect(node)
    return [_a_cycle_in(graph, group) for group in groups]


def _a_cycle_in(graph: Mapping[str, set[str]], group: set[str]) -> list[str]:
    """A shortest cycle through the group's first module (breadth-first inside the group)."""
    start = min(group)
    parents: dict[str, str] = {}
    frontier = [start]
    while frontier:
        following = []
        for node in frontier:
            for nxt in sorted(graph.get(node, set()) & group):
                if nxt == start:
                    path = [node]
                    while path[-1] != start:
                        path.append(parents[path[-1]])
                    return [*reversed(path), start]
                if nxt not in parents:
                    parents[nxt] = node
                    following.append(nxt)
        frontier = following
    raise AssertionError(f"not a cycle: {sorted(group)}")
