"""The registry of report formats: ``--format NAME`` -> a :class:`Writer`.

Adding a format = a module with a ``Writer`` subclass and one line in ``_WRITERS``.
"""

from __future__ import annotations

import os

from secplan.assess.result import AssessmentDoc
from secplan.errors import InputError
from secplan.fsutil import atomic_write_text
from secplan.report.html import HtmlWriter
from secplan.report.interface import Writer
from secplan.report.jsondoc import JsonWriter
from secplan.report.junit import JunitWriter
from secplan.report.markdown import MarkdownWriter
from secplan.report.sarif import SarifWriter
from secplan.report.table import TableWriter

_WRITERS: tuple[type[Writer], ...] = (
    TableWriter,
    JsonWriter,
    SarifWriter,
    JunitWriter,
    MarkdownWriter,
    HtmlWriter,
)

#: Format names in the order the CLI lists them.
FORMATS: tuple[str, ...] = tuple(w.name for w in _WRITERS)


def get_writer(name: str) -> Writer:
    """A fresh writer for ``name``; an unknown name is a usage error (exit 2) that lists the choices."""
    for writer in _WRITERS:
        if writer.name == name.strip().lower():
            return writer()
    raise InputError(f"unknown report format {name!r}: choose one of {', '.join(FORMATS)}")


#: Other suffixes people give report files, beyond each writer's own.
SUFFIX_ALIASES = {".htm": "html"}


def format_for_path(path: str | os.PathLike[str]) -> str:
    """The format a report file's suffix names (``report.sarif`` -> ``sarif``); InputError when none does."""
    suffix = os.path.splitext(os.fspath(path))[1].lower()
    by_suffix = {w.suffix: w.name for w in _WRITERS} | SUFFIX_ALIASES
    if suffix not in by_suffix:
        raise InputError(f"{os.fspath(path)}: cannot tell the report format from the suffix "
                         f"(use one of {', '.join(sorted(by_suffix))})")
    return by_suffix[suffix]


def write_report(doc: AssessmentDoc, name: str, path: str | os.PathLike[str]) -> None:
    """Render first, then write atomically: a failing writer leaves no file and keeps the old one."""
    text = get_writer(name).render(doc)
    atomic_write_text(path, text)
