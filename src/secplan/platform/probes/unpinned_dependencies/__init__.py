"""Dependencies are pinned to exact versions (PS-2)."""

import re
from collections.abc import Iterator

from secplan.assess.evidence import Evidence
from secplan.assess.files import read_text
from secplan.assess.interface import Location, Result, negative, not_applicable, positive
from secplan.vocabulary import AssetKind

NEEDS = ()

NAME = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)(\[[^\]]*\])?")
PINNED = re.compile(r"===?\s*[A-Za-z0-9]")


def requirement_lines(text: str) -> Iterator[tuple[int, str, str]]:
    """(line number, package, requirement) for each requirement line; options and URLs skipped."""
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.split(" #", 1)[0].strip()
        if not line or line.startswith(("#", "-", "git+", "http:", "https:", "file:", ".", "/")):
            continue
        match = NAME.match(line)
        if match:
            yield number, match.group(1).lower(), line.split(";", 1)[0].strip()


def run(ev: Evidence) -> Iterator[Result]:
    manifests = [f for f in ev.files_of(AssetKind.DEPENDENCIES) if f.path.rsplit("/", 1)[-1].startswith("requirements")]
    if not manifests:
        yield not_applicable("no requirements files to check")
        return
    for f in manifests:
        text = read_text(ev.root / f.path)
        if text is None:
            continue
        unpinned = 0
        for number, package, requirement in requirement_lines(text):
            if not PINNED.search(requirement):
                unpinned += 1
                yield negative(f"{package} is not pinned to an exact version ({requirement})",
                               Location(f.path, number), key=f"{f.path}|{package}")
        if not unpinned:
            yield positive("every requirement is pinned to an exact version", Location(f.path))
