"""secplan's modules import each other without cycles (the graph is read from the source)."""

from __future__ import annotations

from pathlib import Path

from tests.imports import cycles, import_graph


def test_no_import_cycles() -> None:
    found = cycles(import_graph())
    assert found == [], "import cycles: " + "; ".join(" -> ".join(c) for c in found)


def test_lazy_imports_do_not_hide_a_cycle() -> None:
    # Importing inside a function keeps start-up fast; it is not a way for two modules to lean on each other.
    found = cycles(import_graph(lazy=True))
    assert found == [], "cycles through imports inside functions: " + "; ".join(" -> ".join(c) for c in found)


def test_the_graph_sees_what_the_rules_rely_on(tmp_path: Path) -> None:
    # A cycle the helper must report, one it must not (type-only and in-function imports), and
    # relative and ``from package import module`` forms resolved to modules.
    pkg = tmp_path / "demo"
    (pkg / "sub").mkdir(parents=True)
    files = {
        "__init__.py": "",
        "a.py": "from demo import b\n",
        "b.py": "try:\n    from .sub import c\nexcept ImportError:\n    pass\n",
        "sub/__init__.py": "",
        "sub/c.py": "import demo.a\n",
        "d.py": "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from demo import e\n"
                "def f():\n    from demo import e\n",
        "e.py": "from demo.d import f\nclass K:\n    from . import sub\n",
    }
    for name, text in files.items():
        (pkg / name).write_text(text)
    graph = import_graph(tmp_path, "demo")
    assert graph["demo.a"] == {"demo.b"} and graph["demo.b"] == {"demo.sub.c"} and graph["demo.sub.c"] == {"demo.a"}
    assert graph["demo.d"] == set() and graph["demo.e"] == {"demo.d", "demo.sub"}
    assert cycles(graph) == [["demo.a", "demo.b", "demo.sub.c", "demo.a"]]
    lazy = import_graph(tmp_path, "demo", lazy=True)
    assert lazy["demo.d"] == {"demo.e"}
    assert sorted(map(tuple, cycles(lazy))) == [("demo.a", "demo.b", "demo.sub.c", "demo.a"),
                                                ("demo.d", "demo.e", "demo.d")]
