"""``secplan data``: the data-security command group, and ``secplan data classify`` (DS-4).

Other modules add their commands to :data:`data_app` (``anonymize`` and ``validate`` live in
:mod:`secplan.cli.data_quality`).
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from secplan.cli.common import (
    OutputOption,
    emit,
    err_console,
    format_option,
    progress,
    simple_table,
    write_sarif,
)
from secplan.errors import InputError
from secplan.fsutil import path_text, safe_text
from secplan.report.formats import choices

if TYPE_CHECKING:
    from rich.table import Table

    from secplan.data.classify import ClassifyReport

ClassifyFormat = choices("table", "json", "sarif")

data_app = typer.Typer(name="data", help="Data security: classify, anonymise, validate.", no_args_is_help=True)


class EngineChoice(StrEnum):
    LOCAL = "local"
    SPARK = "spark"


@data_app.command("classify")
def classify_command(
    paths: list[Path] = typer.Argument(..., help="Files or directories: CSV, TSV, Parquet, JSON Lines, text."),
    fmt: ClassifyFormat = format_option(ClassifyFormat),
    output: Path | None = OutputOption,
    sample_rows: int | None = typer.Option(None, "--sample-rows", min=1,
                                           help="Rows to sample per dataset, spread through the file "
                                                "(default 10000)."),
    full: bool = typer.Option(False, "--full", help="Scan every row instead of a sample."),
    engine: EngineChoice = typer.Option(EngineChoice.LOCAL, "--engine",
                                        help="local, or spark (pyspark, local[*] unless SECPLAN_SPARK_MASTER)."),
    workers: int | None = typer.Option(None, "--workers", min=1,
                                       help="Processes for a full local scan of a large Parquet file "
                                            "(default: all cores)."),
    show_values: bool = typer.Option(False, "--show-values",
                                     help="Print matched text in clear (masked by default)."),
    root: Path = typer.Option(Path("."), "--root", "-C",
                              help="Project root: its secplan.yaml may override entity sensitivity."),
) -> None:
    """Find personal and sensitive data per column and in text, and the sensitivity level it implies."""
    from secplan.data.classify import ClassifyOptions, classify_paths
    from secplan.data.classify.engine import DEFAULT_SAMPLE_ROWS

    if full and sample_rows is not None:
        raise InputError("--full and --sample-rows exclude each other: choose one")
    options = ClassifyOptions(
        sample_rows=None if full else (sample_rows or DEFAULT_SAMPLE_ROWS),
        show_values=show_values,
        overrides=_plan_overrides(root),
    )
    with progress() as bar:
        task = bar.add_task("classifying", total=None)
        report = classify_paths(paths, options, engine=engine.value, workers=workers,
                                on_file=lambda p: bar.update(task, description=f"classifying {p.name}", advance=1))
    for problem in report.problems:
        err_console.print(f"error: {safe_text(problem.message)}", highlight=False, markup=False, soft_wrap=True)
    if fmt == ClassifyFormat.SARIF:
        from secplan.data.classify.levels import Levels

        write_sarif(report.findings(Levels(options.overrides)), output, automation_id="secplan/data-classify/",
                    base_uri=False)
    elif report.datasets or not report.problems:
        emit(report.to_dict(), fmt, lambda: _table(report), output)
    if report.problems:
        raise typer.Exit(2)


def _plan_overrides(root: Path) -> dict:
    """The plan's entity overrides, when the project has a plan; none otherwise."""
    from secplan.plan.loader import load_plan, plan_path

    path = plan_path(root)
    if not path.is_file():
        return {}
    return dict(load_plan(path).policy.classification.entity_overrides)


def _table(report: ClassifyReport) -> Table | str:
    rows = []
    for dataset in report.datasets:
        rows.append((path_text(dataset.path), dataset.format, "", dataset.classification.value, f"{dataset.rows_scanned} rows"))
        for column in dataset.columns:
            if column.entities:
                found = ", ".join(f"{e.type} ({e.match_ratio:.0%}, conf {e.confidence:.2f})" for e in column.entities)
                rows.append(("", "", column.name, column.classification.value, found))
        counts: dict[str, int] = {}
        for finding in dataset.text_findings:
            counts[finding.type] = counts.get(finding.type, 0) + 1
        if counts:
            rows.append(("", "", "(text)", "", ", ".join(f"{k} x{v}" for k, v in sorted(counts.items()))))
    return simple_table("Data classification", ("dataset", "format", "column", "classification", "entities"), rows)


def register(app: typer.Typer) -> None:
    app.add_typer(data_app, name="data")
