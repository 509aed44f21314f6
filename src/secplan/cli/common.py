"""What every command shares: output formats, consoles, project roots, progress bars."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterable
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from secplan.fsutil import atomic_write_text
from secplan.report.formats import choices, describe

if TYPE_CHECKING:
    from secplan.findings import Finding

# Messages are never wrapped: a path, an id or a key split over two lines breaks copy-paste and grep
# in CI logs (tables choose their own layout).
console = Console(soft_wrap=True)
err_console = Console(stderr=True, soft_wrap=True)


def format_option(formats: type[StrEnum], default: str = "table", help: str | None = None) -> Any:
    """The ``--format/-f`` option: an enumerated choice from the one vocabulary
    (:mod:`secplan.report.formats`), its help saying what each format is for."""
    extra = f" {help}" if help else ""
    return typer.Option(formats(default), "--format", "-f", help=describe(formats) + extra)


Format = choices("table", "json")
"""The formats of commands that print records: a table for people, JSON for scripts."""
FormatOption = format_option(Format)
OutputOption = typer.Option(None, "--output", "-o", help="Write to this file (atomically) instead of stdout.")
RootOption = typer.Option(Path("."), "--root", "-C", help="Project root (where secplan.yaml is).")


def to_json(data: Any) -> str:
    """Stable, readable JSON for documents and scripts."""
    return json.dumps(data, indent=2, sort_keys=False, default=str, ensure_ascii=False) + "\n"


def write_output(text: str, output: Path | None) -> None:
    if output is None:
        sys.stdout.write(text)
        sys.stdout.flush()
    else:
        atomic_write_text(output, text)
        err_console.print(f"wrote {output}")


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
        with console.capture() as capture:
            console.print(rendered)
        write_output(capture.get(), output)
    else:
        console.print(rendered)


def write_sarif(findings: Iterable[Finding], output: Path | None, **options: Any) -> None:
    """SARIF through the one writer; what GitHub's limits made it drop is said on stderr too."""
    from secplan.report.sarif import build_log

    built = build_log(findings, **options)
    for notice in built.notices:
        err_console.print(f"warning: {notice}", markup=False, highlight=False)
    write_output(built.text(), output)


def simple_table(title: str | None, columns: Iterable[str], rows: Iterable[Iterable[Any]]) -> Table:
    table = Table(title=title, header_style="bold", show_lines=False)
    for column in columns:
        table.add_column(column)
    for row in rows:
        table.add_row(*("" if cell is None else str(cell) for cell in row))
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


def fail(message: str, code: int = 2) -> None:
    """Print an error and exit with ``code`` (no traceback)."""
    err_console.print(f"[red]error:[/red] {message}", highlight=False, markup=True)
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
