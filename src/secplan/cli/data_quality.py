"""``secplan data anonymize`` and ``secplan data validate`` (DS-6, DS-7).

The ``data`` group itself belongs to :mod:`secplan.cli.data`; this module adds its two commands to
that group, or creates the group when that module is not installed.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer

from secplan.cli.common import (
    Format,
    FormatOption,
    OutputOption,
    RootOption,
    emit,
    err_console,
    renamed_option,
    simple_table,
)
from secplan.vocabulary import Severity


def anonymize_command(
    source: Path = typer.Argument(..., help="Input table: CSV, TSV, Parquet or JSON Lines (never modified)."),
    target: Path = typer.Argument(..., help="Output table (format from its suffix), written atomically."),
    policy: Path = typer.Option(..., "--policy", help="Anonymisation policy (YAML)."),
    label: str | None = typer.Option(None, "--label", help="Label column: also measure model accuracy."),
    model: str = typer.Option("logistic", "--model", help="logistic, random_forest or gradient_boosting."),
    key: str | None = typer.Option(None, "--key", "-k",
                                   help="Keystore key (aes-kek) protecting the pseudonymisation secret."),
    report: Path | None = typer.Option(None, "--report", help="Also write the full JSON report to this file."),
    root: Path = RootOption,
    fmt: Format = FormatOption,
) -> None:
    """Anonymise a table under a policy and report privacy (k, l, risk, epsilon) and utility."""
    from secplan.access import require_at

    require_at(root, "write", "dataset")
    from secplan.cli.common import to_json
    from secplan.data.anonymize import anonymize_file
    from secplan.errors import InputError
    from secplan.fsutil import atomic_write_text
    from secplan.store.db import Store

    if model not in ("logistic", "random_forest", "gradient_boosting"):
        raise InputError(f"--model {model!r}: choose logistic, random_forest or gradient_boosting")
    store = Store.for_project(root)
    try:
        result = anonymize_file(source, target, policy, store=store, label=label, model=model,  # type: ignore[arg-type]
                                root=root, key_ref=key)
    finally:
        store.dispose()
    if report is not None:
        atomic_write_text(report, to_json(result))
    emit(result, fmt, lambda: _anonymize_table(result))


def _shown(value: Any) -> str:
    return "-" if value is None else str(value)


def _anonymize_table(result: dict[str, Any]):
    privacy, utility = result["privacy"], result["utility"]
    rows: list[tuple[str, Any]] = [
        ("output", result["output"]),
        ("rows in / out / suppressed", f"{utility['rows_in']} / {utility['rows_out']} / {utility['rows_suppressed']}"),
        ("k target / achieved", f"{privacy['k_target']} / {_shown(privacy['k_achieved'])}"),
        ("l target / achieved", f"{privacy['l_target']} / {_shown(privacy['l_achieved'])}"),
        ("share at risk before / after",
         f"{_shown(privacy['share_at_risk_before'])} / {_shown(privacy['share_at_risk_after'])}"),
        ("epsilon spent", privacy.get("epsilon_spent", 0.0)),
    ]
    if "epsilon_remaining" in privacy:
        rows.append(("epsilon remaining", privacy["epsilon_remaining"]))
    for name, col in utility["columns"].items():
        rows.append((f"column {name}", f"{col['operator']} {col['metric'] or ''} {col['distance'] if col['distance'] is not None else ''}".strip()))
    if "model" in utility:
        m = utility["model"]
        rows.append((f"accuracy ({m['model']})", f"original {m['accuracy_original']}, anonymised {m['accuracy_anonymised']}"))
    for agg in result.get("aggregates", []):
        rows.append((f"DP {agg['name']} (ε={agg['epsilon']})", agg["value"]))
    return simple_table("anonymisation report", ["", ""], rows)


def validate_command(
    path: Path = typer.Argument(..., help="Dataset: CSV, TSV, Parquet or JSON Lines."),
    write_profile: Path | None = typer.Option(None, "--write-profile", help="Write the dataset's profile as a baseline."),
    profile: Path | None = typer.Option(None, "--profile", help="Check against this baseline profile "
                                        "(one written by --write-profile)."),
    rules: Path | None = typer.Option(None, "--rules", help="Declarative rules and thresholds (YAML)."),
    against: Path | None = typer.Option(None, "--against", help="Another split: report rows shared with it (leakage)."),
    label: str | None = typer.Option(None, "--label", help="Label column (label noise and poisoning checks)."),
    no_label_noise: bool = typer.Option(False, "--no-label-noise", help="Skip the cross-validated label noise check."),
    fail_on: Severity = typer.Option(Severity.HIGH, "--fail-on", help="Exit 1 on findings at or above this severity."),
    root: Path = RootOption,
    fmt: Format = FormatOption,
    output: Path | None = OutputOption,
    baseline: Path | None = typer.Option(None, "--baseline", "-b", hidden=True, help="Old spelling of --profile."),
) -> None:
    """Profile a dataset and check it: schema, ranges, categories, duplicates, leakage, label noise,
    outliers, poisoning indicators and drift; exit 1 on failures at or above --fail-on."""
    from secplan.data.validate import validate_path

    baseline = renamed_option(profile, baseline, "--profile", "--baseline")
    report = validate_path(path, baseline=baseline, write_profile=write_profile, rules=rules, against=against,
                           label=label, label_noise=not no_label_noise)
    if write_profile is not None:
        _audit_profile(root, path, write_profile)
    data = report.to_dict()
    failures = report.failures(fail_on)
    data["passed"] = not failures
    if write_profile is not None and str(fmt) != Format.JSON:
        err_console.print(f"wrote profile {write_profile}")
    emit(data, fmt, lambda: simple_table(
        f"{path}: {len(report.findings)} findings, {len(failures)} at or above {fail_on}",
        ["severity", "check", "column", "finding"],
        [(f.severity, f.check, f.column or "", f.message) for f in report.findings],
    ), output)
    if failures:
        raise typer.Exit(1)


def _audit_profile(root: Path, path: Path, profile: Path) -> None:
    from secplan.ledger import record
    from secplan.store.db import Store

    store = Store.for_project(root)
    try:
        record(store, action="data.profile", obj=str(path), details={"profile": str(profile)})
    finally:
        store.dispose()


def register(app: typer.Typer) -> None:
    """Add the commands to the ``data`` group (created here if :mod:`secplan.cli.data` is absent)."""
    try:
        from secplan.cli.data import data_app
    except ModuleNotFoundError as exc:
        if exc.name != "secplan.cli.data":
            raise
        data_app = typer.Typer(name="data", help="Data security: classify, anonymise, validate.",
                               no_args_is_help=True)
        app.add_typer(data_app, name="data")
    data_app.command("anonymize")(anonymize_command)
    data_app.command("anonymise", hidden=True, help="Same as `anonymize` (British spelling).")(anonymize_command)
    data_app.command("validate")(validate_command)
