"""Containers do not run as root (PS-7)."""

from collections.abc import Iterator

from secplan.assess.evidence import Evidence
from secplan.assess.files import read_text
from secplan.assess.interface import Location, Result, negative, not_applicable, positive
from secplan.vocabulary import AssetKind

NEEDS = ()

ROOT_USERS = {"root", "0", "0:0", "root:root"}


def final_user(text: str) -> tuple[str | None, int]:
    """The USER in effect in the last stage, and the line of the last FROM (or of that USER)."""
    user, line = None, 1
    logical = text.replace("\\\n", " ")
    for number, raw in enumerate(logical.splitlines(), start=1):
        parts = raw.strip().split(None, 1)
        if not parts:
            continue
        instruction = parts[0].upper()
        if instruction == "FROM":
            user, line = None, number
        elif instruction == "USER" and len(parts) > 1:
            user, line = parts[1].strip(), number
    return user, line


def run(ev: Evidence) -> Iterator[Result]:
    dockerfiles = [f for f in ev.files_of(AssetKind.INFRASTRUCTURE)
                   if f.path.rsplit("/", 1)[-1].lower().startswith("dockerfile") or f.path.endswith(".dockerfile")]
    if not dockerfiles:
        yield not_applicable("no Dockerfiles in the project")
        return
    for f in dockerfiles:
        text = read_text(ev.root / f.path) or ""
        user, line = final_user(text)
        if user is None:
            yield negative("the image runs as root: no USER in the final stage", Location(f.path, line), key=f.path)
        elif user.lower() in ROOT_USERS:
            yield negative(f"the image runs as root (USER {user})", Location(f.path, line), key=f.path)
        else:
            yield positive(f"the image runs as {user}", Location(f.path, line))
