"""What every command shares: output formats, consoles, project roots, progress bars."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable, Iterable
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer
from rich.console import Console, Group
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table
from rich.text import Text

from secplan.fsutil import atomic_write_text, document_safe, path_text, safe_text
from secplan.report.formats import choices, describe

if TYPE_CHECKING:
    from secplan.findings import Finding

# Messages are never wrapped: a path, an id or a key split over two lines breaks copy-paste and grep
# in CI logs (tables choose their own layout).
console = Console(soft_wrap=True)
err_console = Console(stderr=True, soft_wrap=True)
#: Errors are shown even under ``--quiet``.
error_console = Console(stderr=True, soft_wrap=True)


def set_output_style(quiet: bool = False, no_color: bool = False, reset: bool = False) -> None:
    """``--quiet``: only results (stdout) and errors; ``--no-color`` (or ``NO_COLOR``): no colours.

    The root command resets both for each run (``reset``); a command's own options only switch
    them on, so ``secplan --quiet assess`` and ``secplan assess -q`` agree."""
    if reset:
        err_console.quiet = False
        no_color = no_color or bool(os.environ.get("NO_COLOR"))
        for each in (console, err_console, error_console):
            each.no_color = no_color
    if quiet:
        err_console.quiet = True
    if no_color:
        for each in (console, err_console, error_console):
            each.no_color = True


def format_option(formats: type[StrEnum], default: str = "table", help: str | None = None) -> Any:
    """The ``--format/-f`` option: an enumerated choice from the one vocabulary
    (:mod:`secplan.report.formats`), its help saying what each format is for."""
    extra = f" {help}" if help else ""
    return typer.Option(formats(default), "--format", "-f", help=describe(formats) + extra)


Format = choices("table", "json")
"""The formats of commands that print records: a table for people, JSON for scripts."""
FormatOption = format_option(Format)


def not_a_directory(value: Path | list[Path] | None) -> Path | list[Path] | None:
    for path in value if isinstance(value, list) else [value] if value is not None else []:
        if path.is_dir():
            raise typer.BadParameter(f"{path_text(path)} is a directory; give a file name")
    return value


def output_option(help: str = "Write to this file (atomically) instead of stdout.") -> Any:
    """``--output/-o FILE``: an existing directory is a usage error (exit 2) before any work starts,
    not a failure after the work is done."""
    return typer.Option(None, "--output", "-o", help=help, callback=not_a_directory)


OutputOption = output_option()
RootOption = typer.Option(Path("."), "--root", "-C", help="Project root (where secplan.yaml is).")


def to_json(data: Any) -> str:
    """Stable, readable JSON for documents and scripts (paths escaped as :func:`~secplan.fsutil.path_text` does)."""
    text = json.dumps(data, indent=2, sort_keys=False, default=_json_default, ensure_ascii=False) + "\n"
    if text.isascii():
        return text
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:  # an OS name that is not UTF-8 somewhere in the data
        text = json.dumps(document_safe(data), indent=2, sort_keys=False, default=_json_default,
                          ensure_ascii=False) + "\n"
    return text


def _json_default(value: Any) -> str:
    return path_text(value) if isinstance(value, os.PathLike) else str(value)


def write_output(text: str, output: Path | None) -> None:
    if output is None:
        sys.stdout.write(text)
        sys.stdout.flush()
    else:
        atomic_write_text(output, text)
        err_console.print(f"wrote {output}")


def _cell(value: Any) -> str:
    text = value.plain if isinstance(value, Text) else str(value)
    return " ".join(text.split("\n")).rstrip()


def plain_text(renderable: Any) -> str:
    """A table as aligned columns, one row a line, never wrapped or cut, no borders or colours:
    what CI logs and ``grep`` need. Groups and texts are flattened the same way."""
    if isinstance(renderable, Group):
        return "".join(plain_text(part) for part in renderable.renderables)
    if isinstance(renderable, Table):
        columns = renderable.columns
        rows = [[_cell(c) for c in column._cells] for column in columns]
        lines: list[list[str]] = []
        if renderable.show_header and any(column.header for column in columns):
            lines.append([_cell(column.header) for column in columns])
        lines += [list(row) for row in zip(*rows, strict=True)] if rows else []
        widths = [max((len(line[i]) for line in lines), default=0) for i in range(len(columns))]
        out = [_cell(renderable.title)] if renderable.title else []
        out += ["  ".join(cell.ljust(widths[i]) for i, cell in enumerate(line)).rstrip() for line in lines]
        return "".join(line + "\n" for line in out)
    if isinstance(renderable, Text | str):
        return _cell(renderable) + "\n"
    wide = Console(width=100_000, color_system=None, force_terminal=False, soft_wrap=True)
    with wide.capture() as capture:
        wide.print(renderable)
    return "\n".join(line.rstrip() for line in capture.get().splitlines()) + "\n"


def print_result(*renderables: Any) -> None:
    """Results on stdout: rich on a terminal, :func:`plain_text` in pipes and logs."""
    if console.is_terminal:
        for renderable in renderables:
            console.print(renderable)
        return
    sys.stdout.write("".join(plain_text(r) for r in renderables))
    sys.stdout.flush()


def emit(
    data: Any,
    fmt: Format | str,
    table: Callable[[], Table | str] | None = None,
    output: Path | None = None,
) -> None:
    """Print ``data`` as JSON, or the table built by ``table`` for people."""
    if str(fmt) == Format.JSON or table is None:
        write_output(to_json(data), output)
        return
    rendered = table()
    if output is not None:
        write_output(plain_text(rendered), output)
    else:
        print_result(rendered)


def write_sarif(findings: Iterable[Finding], output: Path | None, **options: Any) -> None:
    """SARIF through the one writer; what GitHub's limits made it drop is said on stderr too."""
    from secplan.report.sarif import build_log

    built = build_log(findings, **options)
    for notice in built.notices:
        err_console.print(f"warning: {notice}", markup=False, highlight=False)
    write_output(built.text(), output)


def _cell(value: Any) -> str:
    """A table cell: paths as documents write them, and no OS byte that a terminal cannot show."""
    return path_text(value) if isinstance(value, os.PathLike) else safe_text(str(value))


def simple_table(title: str | None, columns: Iterable[str], rows: Iterable[Iterable[Any]]) -> Table:
    table = Table(title=title, header_style="bold", show_lines=False)
    for column in columns:
        table.add_column(column)
    for row in rows:
        table.add_row(*("" if cell is None else _cell(cell) for cell in row))
    return table


def progress(transient: bool = True) -> Progress:
    """A progress bar on stderr (so stdout stays clean for JSON); silent when stderr is not a terminal."""
    return Progress(
        TextColumn("[progress.description]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err_console,
        transient=transient,
        disable=not err_console.is_terminal,
    )


def renamed_option(new: Any, old: Any, new_name: str, old_name: str) -> Any:
    """The value of an option that replaced an old spelling, which still works with a note on stderr."""
    if old is None:
        return new
    if new is not None:
        from secplan.errors import InputError

        raise InputError(f"{old_name} is the old spelling of {new_name}; give only {new_name}")
    err_console.print(f"note: {old_name} is deprecated; use {new_name}", highlight=False, markup=False)
    return old


def confirm(question: str, *, yes: bool, refusal: str) -> None:
    """Go on if ``--yes`` was given or the user agrees at the terminal; else stop (exit 2) saying
    ``refusal`` ("nothing deleted"). With no terminal nobody can answer, so the message says "use --yes"."""
    from secplan.errors import InputError

    if yes:
        return
    if not sys.stdin.isatty():
        raise InputError(f"no terminal to ask {question!r} on: use --yes to confirm; {refusal}")
    if not typer.confirm(question, err=True):
        raise InputError(f"not confirmed; {refusal}")


def fail(message: str, code: int = 2) -> None:
    """Print an error and exit with ``code`` (no traceback)."""
    error_console.print(f"[red]error:[/red] {message}", highlight=False, markup=True)
    raise typer.Exit(code)


def record_table(title: str, record: dict[str, Any]) -> Table:
    """One record as a two-column table; nested values are shown as compact JSON."""
    rows = []
    for key, value in record.items():
        if isinstance(value, dict | list):
            value = json.dumps(value, default=str, ensure_ascii=False)
        rows.append((key, value))
    return simple_table(title, ["field", "value"], rows)


def emit_record(record: dict[str, Any], fmt: Format | str, title: str, output: Path | None = None) -> None:
    """Print one record: a field/value table for people, JSON for scripts."""
    emit(record, fmt, lambda: record_table(title, record), output)
