"""``secplan platform``: scan a project (dependencies, secrets, configuration, code), track patches,
probe live ML servers."""

from __future__ import annotations

from pathlib import Path

import typer

from secplan.cli.common import (
    Format,
    FormatOption,
    OutputOption,
    RootOption,
    emit,
    err_console,
    format_option,
    renamed_option,
    simple_table,
    write_sarif,
)
from secplan.errors import InputError
from secplan.report.formats import choices
from secplan.vocabulary import Severity

platform_app = typer.Typer(help="Platform security: vulnerable dependencies, patches, secrets, configuration.",
                           no_args_is_help=True)


ScanFormat = choices("table", "json", "sarif")


def _scanners(value: str):
    from secplan.platform.scan import Scanner

    try:
        return {Scanner(v.strip()) for v in value.split(",") if v.strip()}
    except ValueError:
        raise InputError(f"--scanners: expected a comma list of {', '.join(s.value for s in Scanner)}") from None


@platform_app.command("scan")
def scan(
    directory: Path = typer.Argument(Path("."), help="Project directory to scan."),
    osv_db: Path | None = typer.Option(None, "--osv-db", help="OSV index or source (default: $SECPLAN_OSV_DB, "
                                       "the index from `secplan db import`, else the small bundled fixture)."),
    fmt: ScanFormat = format_option(ScanFormat),
    output: Path | None = OutputOption,
    fail_on: Severity = typer.Option(Severity.HIGH, "--fail-on", help="Exit 1 when a finding is at least this severe."),
    scanners: str = typer.Option("vuln,secret,config,code", "--scanners", help="Which scanners to run."),
    secrets_baseline: Path | None = typer.Option(None, "--secrets-baseline",
                                                 help="Secrets baseline: accepted findings are not reported."),
    write_baseline: Path | None = typer.Option(None, "--write-secrets-baseline",
                                               help="Write the current secret findings to this baseline file."),
    store_scan: bool | None = typer.Option(None, "--store/--no-store", help="Keep vulnerabilities in the store "
                                           "for patch tracking (default: when the project has a store)."),
    baseline: Path | None = typer.Option(None, "--baseline", hidden=True, help="Old spelling of --secrets-baseline."),
    old_write_baseline: Path | None = typer.Option(None, "--write-baseline", hidden=True,
                                                   help="Old spelling of --write-secrets-baseline."),
    record: bool | None = typer.Option(None, "--record/--no-record", hidden=True, help="Old spelling of --store."),
) -> None:
    """Scan a project offline and report findings; secrets are always redacted."""
    from secplan.platform import secrets
    from secplan.platform.scan import scan_project

    if not directory.is_dir():
        raise InputError(f"{directory}: not a directory")
    secrets_baseline = renamed_option(secrets_baseline, baseline, "--secrets-baseline", "--baseline")
    write_baseline = renamed_option(write_baseline, old_write_baseline, "--write-secrets-baseline", "--write-baseline")
    store_scan = renamed_option(store_scan, record, "--store", "--record")
    from secplan.cli.common import progress

    with progress() as bar:
        task = bar.add_task("scanning", total=None)
        result = scan_project(directory, scanners=_scanners(scanners), osv_db=osv_db,
                              on_progress=lambda done, total: bar.update(task, completed=done, total=total))
    if write_baseline is not None:
        count = secrets.write_baseline(write_baseline, result.findings)
        err_console.print(f"wrote {count} accepted secret(s) to {write_baseline}")
    if secrets_baseline is not None:
        result.findings = secrets.apply_baseline(result.findings, secrets.load_baseline(secrets_baseline))
    _record(directory, result, store_scan)
    for warning in result.warnings:
        err_console.print(f"[yellow]warning:[/yellow] {warning}", highlight=False, markup=True, soft_wrap=True)
    if fmt == ScanFormat.SARIF:
        database = {"osv_database": result.database.to_json()} if result.database else None
        write_sarif([f.to_finding() for f in result.findings], output, automation_id="secplan/platform-scan/",
                    properties=database)
    else:
        emit(result.to_json(), fmt, lambda: _findings_table(result), output)
    if any(f.severity.at_least(fail_on) for f in result.findings):
        raise typer.Exit(1)


def _findings_table(result):
    """Findings worst first; then vulnerable packages, one row each with the version that fixes all
    their advisories; then what the advisory database is, so a clean table is never taken for more."""
    from rich.console import Group
    from rich.text import Text

    from secplan.platform.findings import RULES
    from secplan.platform.osv.match import by_package
    from secplan.report.table import engine_findings_table

    parts = [engine_findings_table([f.to_finding() for f in result.findings if f.rule != "vulnerable-dependency"],
                                   f"{len(result.findings)} finding(s) in {result.files} file(s)")]
    packages = by_package(result.findings)
    if packages:
        parts.append(simple_table(
            f"{len(packages)} vulnerable package(s)",
            ["severity", "control", "package", "version", "where", "advisories", "upgrade to"],
            [(g["severity"], RULES["vulnerable-dependency"].control, g["package"], g["version"], f"{g['path']}:{g['line'] or ''}",
              ", ".join(g["advisories"]), g["upgrade_to"] or "no single fixed version") for g in packages]))
        parts.append(Text("advisory records: https://osv.dev/vulnerability/<id>\n"))
    if result.database is not None:
        parts.append(Text(f"advisory database: {result.database.describe()}\n"))
    return Group(*parts) if len(parts) > 1 else parts[0]


def _record(directory: Path, result, record: bool | None) -> None:
    from secplan.store.db import Store

    if record is False or (record is None and not Store.exists_for(directory)):
        return
    from secplan.platform.patches import record_scan
    from secplan.projects import project_of

    store = Store.for_project(directory)
    try:
        counts = record_scan(store, project_of(store).id, result.findings)
    finally:
        store.dispose()
    err_console.print(f"patch tracking: {counts['new']} new, {counts['remediated']} remediated, "
                      f"{counts['still_open']} still open")


@platform_app.command("patches")
def patches(
    root: Path = RootOption,
    fmt: Format = FormatOption,
    output: Path | None = OutputOption,
    fail_on_overdue: bool = typer.Option(False, "--fail-on-overdue", help="Exit 1 when a finding is past its SLA."),
) -> None:
    """Open, overdue and remediated vulnerabilities with days exposed and mean time to remediate."""
    from secplan.platform.patches import DEFAULT_SLA, exposures, mean_time_to_remediate
    from secplan.projects import project_of
    from secplan.store.db import Store

    sla = dict(DEFAULT_SLA)
    if (root / "secplan.yaml").exists():
        from secplan.plan.loader import load_plan

        sla = dict(load_plan(root / "secplan.yaml").policy.patch.sla_days)
    if not Store.exists_for(root):
        raise InputError(f"{root}: no store yet; run `secplan platform scan {root} --store` first")
    store = Store.for_project(root)
    try:
        items = exposures(store, project_of(store).id, sla)
    finally:
        store.dispose()
    mttr = mean_time_to_remediate(items)
    doc = {"sla_days": {str(k): v for k, v in sla.items()}, "mean_time_to_remediate_days": mttr,
           "counts": {s: sum(e.status == s for e in items) for s in ("overdue", "open", "remediated")},
           "findings": [e.to_json() for e in items]}
    emit(doc, fmt, lambda: simple_table(
        f"{doc['counts']}; mean time to remediate: {mttr if mttr is not None else 'n/a'} days",
        ["status", "severity", "package", "version", "advisory", "days exposed", "SLA days", "first seen"],
        [(e.status, e.severity, e.package, e.version, e.advisory, e.days_exposed, e.sla_days,
          e.first_seen.date()) for e in items]), output)
    if fail_on_overdue and doc["counts"]["overdue"]:
        raise typer.Exit(1)


@platform_app.command("probe")
def probe(
    urls: list[str] = typer.Argument(..., help="Base URLs of ML servers to probe (only ones you are allowed to test)."),
    fmt: Format = FormatOption,
    fail_on: Severity = typer.Option(Severity.HIGH, "--fail-on", help="Exit 1 when an open API is at least this severe."),
) -> None:
    """Check live Jupyter, MLflow, Ray and TorchServe servers for APIs open without authentication."""
    from secplan.platform.live import probe as run_probe

    results = [run_probe(url) for url in urls]
    emit({"results": [r.to_json() for r in results]}, fmt, lambda: simple_table(
        "live probes", ["url", "server", "open", "severity", "message"],
        [(r.url, r.server or "-", "yes" if r.unauthenticated else "no", r.severity or "", r.message)
         for r in results]))
    if any(r.severity and r.severity.at_least(fail_on) for r in results):
        raise typer.Exit(1)



def register(app: typer.Typer) -> None:
    app.add_typer(platform_app, name="platform")
