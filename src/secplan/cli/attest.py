"""``secplan attest``: signed attestations for what software cannot see (PS-1, PS-5, PS-6, ...)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import typer

from secplan.cli._gov import DATE_FORMATS
from secplan.cli.common import Format, FormatOption, RootOption, emit, err_console, simple_table


def attest_command(control: str = typer.Argument(..., help="Control id, for example PS-5."),
                   statement: str = typer.Option(..., "--statement", help="What you attest."),
                   evidence: str = typer.Option(..., "--evidence", help="A file (its SHA-256 is signed) or a URL."),
                   expires: dt.datetime = typer.Option(..., "--expires", formats=DATE_FORMATS,
                                                       help="Last day the attestation counts."),
                   root: Path = RootOption) -> None:
    """Record an Ed25519-signed attestation; the assessment counts it until it expires."""
    from secplan.cli._gov import open_store
    from secplan.compliance.attestations import attest

    attestation_id = attest(open_store(root), control, statement=statement, evidence=evidence,
                            expires=expires.date())
    err_console.print(f"recorded attestation {attestation_id} for {control.upper()}")


def attestations_command(fmt: Format = FormatOption, root: Path = RootOption) -> None:
    """Attestations with their verification state (current, expired, invalid)."""
    from secplan.cli._gov import open_store
    from secplan.compliance.attestations import list_attestations

    rows = list_attestations(open_store(root))
    for row in rows:
        row.pop("signature", None)
    emit(rows, fmt, lambda: simple_table(
        "attestations", ["id", "control", "statement", "attester", "expires", "state"],
        [[a["id"], a["control"], a["statement"][:60], a["attester"], a["expires"], a["state"]] for a in rows]))


def register(app: typer.Typer) -> None:
    app.command("attest")(attest_command)
    app.command("attestations")(attestations_command)
