"""``secplan evidence``: a model version's evidence bundle, exported from the store and verified
offline with nothing but the bundle and public keys."""

from __future__ import annotations

from pathlib import Path

import typer

from secplan.cli.common import Format, FormatOption, RootOption, console, emit, err_console, simple_table
from secplan.errors import InputError, IntegrityError

evidence_app = typer.Typer(help="Evidence bundles of model versions, for auditors who verify them offline.",
                           no_args_is_help=True)


@evidence_app.command("export")
def export_command(
    ref: str = typer.Argument(..., help="The model version, NAME@VERSION.", metavar="NAME@VERSION"),
    output: Path = typer.Option(..., "--output", "-o", help="The bundle to write (a zip), atomically.",
                                dir_okay=False),
    fmt: Format = FormatOption,
    root: Path = RootOption,
) -> None:
    """Pack a model version's evidence, each event with its ledger entry and inclusion proof, into one zip."""
    from secplan.evidence import export
    from secplan.store.db import Store

    if not Store.exists_for(root):
        raise InputError(f"no secplan store in {root.resolve()}: nothing has been registered there yet")
    store = Store.for_project(root)
    summary = export(store, ref, output)
    emit(summary, fmt, lambda: simple_table(f"evidence bundle {output}", ["field", "value"], [
        ("model", summary["model"]), ("digest", summary["digest"]), ("parts", ", ".join(summary["parts"])),
        ("ledger entries", summary["entries"]), ("export entry", summary["export_entry"]),
        ("files", summary["files"])]))
    if str(fmt) != Format.JSON:
        err_console.print(f"wrote {output}: check it with `secplan evidence verify {output}`", highlight=False)


@evidence_app.command("verify")
def verify_command(
    bundle: Path = typer.Argument(..., help="The evidence bundle (zip).", dir_okay=False, metavar="FILE"),
    key: list[str] = typer.Option([], "--key", metavar="ROLE=FILE", help="ROLE=FILE: trust this public key for ROLE (ledger, model, "
                                  "attestation) instead of the bundle's; PEM, or for the ledger its verifier key line."),
    fmt: Format = FormatOption,
) -> None:
    """Check a bundle offline; exit 1 names the first thing that does not verify, 2: FILE is not a usable bundle."""
    from secplan.evidence import read_key_file, verify_file

    pins = []
    for spec in key:
        role, sep, path = spec.partition("=")
        if not sep or not path:
            raise InputError(f"--key {spec!r}: give ROLE=FILE (ROLE is ledger, model or attestation)")
        pins.append(read_key_file(role.strip(), Path(path)))
    report = verify_file(bundle, pins)
    if str(fmt) == Format.JSON:
        emit(report.to_json(), fmt)
    else:
        for trusted in report.keys:
            how = f"pinned with {trusted.source}" if trusted.pinned else \
                f"from the bundle ({trusted.source.removeprefix('bundle ')}; not pinned: --key {trusted.role}=FILE pins it)"
            console.print(f"{trusted.role} key sha256:{trusted.fingerprint[:16]}: {how}", highlight=False, markup=False)
        for note in report.notes:
            err_console.print(f"note: {note}", highlight=False, markup=False)
    if report.failure is not None:
        raise IntegrityError(f"{bundle} does not verify: {report.failure}")
    if str(fmt) != Format.JSON:
        console.print(f"verified {report.model} ({report.digest}): {len(report.verified)} parts "
                      f"({', '.join(report.verified)}), {report.entries} ledger entries proved against the "
                      f"checkpoint at size {report.tree_size}; exported by {report.exported_by} at "
                      f"{report.exported_at}", highlight=False, markup=False)


def register(app: typer.Typer) -> None:
    app.add_typer(evidence_app, name="evidence")
