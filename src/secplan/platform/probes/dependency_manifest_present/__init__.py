"""Dependencies are declared so that they can be scanned (PS-1)."""

from collections.abc import Iterator

from secplan.assess.evidence import Evidence
from secplan.assess.interface import Location, Result, negative, not_applicable
from secplan.vocabulary import AssetKind

NEEDS = ()


def run(ev: Evidence) -> Iterator[Result]:
    code = [f for f in ev.files_of(AssetKind.CODE, AssetKind.NOTEBOOK) if f.path.endswith((".py", ".ipynb"))]
    if not code:
        yield not_applicable("the project has no Python code or notebooks")
        return
    if not ev.files_of(AssetKind.DEPENDENCIES):
        yield negative("Python code without any dependency manifest: dependencies cannot be scanned",
                       Location(code[0].path), key="no-manifest")
