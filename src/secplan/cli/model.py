"""``secplan model``: model artifacts. ``scan`` finds code that loading a model would run.

Other modules add their commands (registry, signing) to :data:`model_app`.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from secplan.cli.common import (
    err_console,
    format_option,
    output_option,
    progress,
    renamed_option,
    simple_table,
    to_json,
    write_output,
    write_sarif,
)
from secplan.errors import InputError
from secplan.fsutil import path_text
from secplan.report.formats import choices

if TYPE_CHECKING:
    from secplan.model.scan.result import ScanReport

model_app = typer.Typer(help="Model artifacts: scan for unsafe serialization.", no_args_is_help=True)

ScanFormat = choices("table", "json", "sarif")


@model_app.command("scan")
def scan_command(
    paths: list[Path] = typer.Argument(..., help="Files or directories (walked) to scan."),
    fmt: ScanFormat = format_option(ScanFormat),
    output: Path | None = output_option("Write the report to this file (atomically)."),
    policy_file: Path | None = typer.Option(None, "--policy", help="YAML policy extending the allowlist."),
    root: Path = typer.Option(Path("."), "--root", "-C", help="Project whose audit ledger records the scan."),
    store_scan: bool | None = typer.Option(None, "--store/--no-store",
                                           help="Write a model.scan event to the project's ledger (default: "
                                                "when the project has a store)."),
    record: bool | None = typer.Option(None, "--record/--no-record", hidden=True, help="Old spelling of --store."),
) -> None:
    """Scan model artifacts without loading them.

    Exit 1 if any is unsafe or suspicious, 2 if any could not be analysed, 0 if all are safe (or
    no-unsafe-code: a format that runs code on load, with nothing off the allowlist in it).
    """
    from secplan.model.scan import ScanOptions, load_policy, scan_paths

    missing = [str(p) for p in paths if not p.exists()]
    if missing:
        raise InputError(f"no such file or directory: {', '.join(missing)}")
    options = ScanOptions(policy=load_policy(policy_file))
    with progress() as bar:
        task = bar.add_task("scanning", total=None)
        report = scan_paths(paths, options, progress=lambda _p: bar.advance(task))
    if fmt == ScanFormat.JSON:
        write_output(to_json(report.to_dict()), output)
    elif fmt == ScanFormat.SARIF:
        write_sarif(report.findings(), output, automation_id="secplan/model-scan/", base_uri=False)
    else:
        _print_table(report, output)
    store_scan = renamed_option(store_scan, record, "--store", "--record")
    if store_scan or (store_scan is None and _has_store(root)):
        _record(root, report)
    raise typer.Exit(report.exit_code())


def _has_store(root: Path) -> bool:
    from secplan.store.db import URL_ENV, Store

    return bool(os.environ.get(URL_ENV)) or Store.exists_for(root)


def _record(root: Path, report: ScanReport) -> None:
    from secplan.ledger import record
    from secplan.store.db import Store

    summary = report.summary()
    files = [{"path": path_text(f.path), "format": f.format, "verdict": str(f.verdict), "assurance": f.assurance,
              "rules": sorted({x.rule for x in f.findings})} for f in report.files[:200]]
    store = Store.for_project(root)
    try:
        outcome = "success" if report.exit_code() == 0 else "failure"
        record(store, action="model.scan", obj=f"model:{path_text(report.files[0].path)}" if len(report.files) == 1
               else f"models:{len(report.files)}", details={"summary": summary, "files": files}, outcome=outcome)
    finally:
        store.dispose()


def _print_table(report: ScanReport, output: Path | None) -> None:
    rows = []
    for f in report.files:
        first = next((x for x in sorted(f.findings, key=lambda x: -x.verdict.rank) if x.verdict.rank > 0), None)
        where = ""
        if first is not None:
            where = first.member or ""
            if first.offset is not None:
                where += f"@{first.offset}"
        note = first.message if first else ("everything it imports is allowlisted; the format can execute code "
                                            "on load" if f.code_on_load else "")
        rows.append((f.path, f.format, f.assurance, note, where))
    table = simple_table("model scan", ["file", "format", "verdict", "finding", "where"], rows)
    summary = report.summary()
    line = ", ".join(f"{v} {k}" for k, v in summary.items())
    if output is not None:
        from secplan.cli.common import console

        with console.capture() as capture:
            console.print(table)
            console.print(line)
        write_output(capture.get(), output)
    else:
        from secplan.cli.common import console

        console.print(table)
        err_console.print(line)


def register(app: typer.Typer) -> None:
    app.add_typer(model_app, name="model")
