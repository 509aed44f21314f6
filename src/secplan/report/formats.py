"""The one ``--format`` vocabulary: the same names, in the same order, for every command.

A command offers the subset that applies to what it prints (:func:`choices`); a name never means two
things, and the help text says what each is for in the same words everywhere.
"""

from __future__ import annotations

from enum import StrEnum
from functools import cache


class OutputFormat(StrEnum):
    TABLE = "table"
    JSON = "json"
    SARIF = "sarif"
    JUNIT = "junit"
    MARKDOWN = "markdown"
    HTML = "html"


PURPOSE: dict[OutputFormat, str] = {
    OutputFormat.TABLE: "for people",
    OutputFormat.JSON: "for scripts",
    OutputFormat.SARIF: "for code scanning",
    OutputFormat.JUNIT: "for CI test reports",
    OutputFormat.MARKDOWN: "for pull requests and wikis",
    OutputFormat.HTML: "as a page to share",
}


@cache
def choices(*names: str) -> type[StrEnum]:
    """An enumeration of these formats (a subset of :class:`OutputFormat`, kept in its order) for a
    command's ``--format``: the CLI lists exactly these and refuses others before any work."""
    unknown = [n for n in names if n not in OutputFormat.__members__.values()]
    if unknown or not names:
        raise ValueError(f"not output formats: {unknown or 'none given'}")
    ordered = [f.value for f in OutputFormat if f.value in names]
    return StrEnum("Format" + "".join(n.capitalize() for n in ordered), {n.upper(): n for n in ordered})


def describe(formats: type[StrEnum]) -> str:
    """``table for people, json for scripts or sarif for code scanning.`` (names stay lower case)."""
    parts = [f"{f.value} {PURPOSE[OutputFormat(f.value)]}" for f in formats]
    text = parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " or " + parts[-1]
    return text + "."
