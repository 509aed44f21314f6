"""Only ``secplan.crypto`` uses the ``cryptography`` library (docs/architecture.md, "keys").

Every key that signs, wraps or encrypts goes through the key providers, and every primitive an engine
needs is a small function in ``src/secplan/crypto/``; a module elsewhere that imports
``cryptography`` is a second way of doing it. Read from the source (nothing is imported): every
``import`` and ``from ... import`` anywhere in a module, inside functions and under
``if TYPE_CHECKING:`` too, and ``importlib.import_module("cryptography...")`` with a literal name.
"""

from __future__ import annotations

import ast
from pathlib import Path

from tests.imports import module_files

OWNER = "secplan.crypto"
LIBRARY = "cryptography"


def _is_library(name: str) -> bool:
    return name == LIBRARY or name.startswith(LIBRARY + ".")


def library_imports(source: str, filename: str = "<module>") -> list[int]:
    """Line numbers of every import of the library in ``source``, wherever it stands."""
    return sorted(node.lineno for node in ast.walk(ast.parse(source, filename))
                  if any(_is_library(name) for name in _imported(node)))


def _imported(node: ast.AST) -> list[str]:
    """The absolute module names ``node`` imports (relative imports are secplan's own)."""
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    if isinstance(node, ast.ImportFrom):
        return [node.module or ""] if not node.level else []
    if (isinstance(node, ast.Call) and _called_name(node.func) in {"import_module", "__import__"}
            and node.args and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str)):
        return [node.args[0].value]
    return []


def _called_name(func: ast.expr) -> str | None:
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return None


def _importers(files: dict[str, Path]) -> dict[str, list[int]]:
    found = {}
    for module, path in files.items():
        lines = library_imports(path.read_text(encoding="utf-8"), str(path))
        if lines:
            found[module] = lines
    return found


def _outside_owner(module: str) -> bool:
    return module != OWNER and not module.startswith(OWNER + ".")


def test_only_the_crypto_package_imports_cryptography() -> None:
    files = module_files()
    offenders = [f"{files[m].relative_to(files['secplan'].parents[1])}:{line} imports {LIBRARY}"
                 for m, lines in sorted(_importers(files).items())
                 if _outside_owner(m) for line in lines]
    assert offenders == [], ("use (or add) a function in src/secplan/crypto/ instead:\n" + "\n".join(offenders))


def test_the_rule_sees_every_spelling() -> None:
    source = '''
import os
import cryptography
import cryptographyx
from cryptography.hazmat.primitives import hashes
from typing import TYPE_CHECKING
from . import cryptography as local_name
if TYPE_CHECKING:
    from cryptography.x509 import Certificate

def lazy():
    import cryptography.hazmat.primitives.asymmetric.ed25519 as ed
    from cryptography.exceptions import InvalidSignature
    return importlib.import_module("cryptography.fernet"), __import__("cryptography"), import_module("os")

class Holder:
    try:
        from cryptography import utils
    except ImportError:
        pass
'''
    assert library_imports(source) == [3, 5, 9, 12, 13, 14, 14, 18]
