"""``secplan vendors``: the vendor register (CS-6)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import typer

from secplan.cli._gov import DATE_FORMATS
from secplan.cli.common import Format, FormatOption, RootOption, emit, emit_record, err_console, simple_table

vendors = typer.Typer(help="Third-party vendors: data shared, agreements, certifications, reviews.",
                      no_args_is_help=True)
_D = {"formats": DATE_FORMATS}


@vendors.command("add")
def add(name: str,
        service: str = typer.Option("", "--service", help="What the vendor does for the project."),
        data: list[str] = typer.Option([], "--data", help="WHAT=CLASSIFICATION shared with it. Repeatable."),
        risk_tier: str = typer.Option("medium", "--risk-tier", help="low, medium, high, critical."),
        agreement: str | None = typer.Option(None, "--agreement", help="Agreement (DPA) reference."),
        agreement_signed: dt.datetime | None = typer.Option(None, "--agreement-signed", **_D),
        agreement_expires: dt.datetime | None = typer.Option(None, "--agreement-expires", **_D),
        certification: list[str] = typer.Option([], "--certification", help="NAME=EXPIRY-DATE. Repeatable."),
        last_review: dt.datetime | None = typer.Option(None, "--last-review", **_D),
        root: Path = RootOption) -> None:
    """Add a vendor to the register."""
    from secplan.cli._gov import day, open_store
    from secplan.compliance.vendors import add_vendor

    add_vendor(open_store(root), name, service=service, data=data, risk_tier=risk_tier, agreement_ref=agreement,
               agreement_signed=day(agreement_signed), agreement_expires=day(agreement_expires),
               certifications=certification, last_review=day(last_review))
    err_console.print(f"added vendor {name}")


@vendors.command("update")
def update(name: str,
           service: str | None = typer.Option(None, "--service"),
           data: list[str] = typer.Option([], "--data", help="Replaces what is shared. Repeatable."),
           risk_tier: str | None = typer.Option(None, "--risk-tier"),
           agreement: str | None = typer.Option(None, "--agreement"),
           agreement_signed: dt.datetime | None = typer.Option(None, "--agreement-signed", **_D),
           agreement_expires: dt.datetime | None = typer.Option(None, "--agreement-expires", **_D),
           certification: list[str] = typer.Option([], "--certification", help="NAME=EXPIRY-DATE, replaces by name."),
           last_review: dt.datetime | None = typer.Option(None, "--last-review", **_D),
           root: Path = RootOption) -> None:
    """Change a vendor's record (for example after a review or a renewed agreement)."""
    from secplan.cli._gov import day, open_store
    from secplan.compliance.vendors import update_vendor

    update_vendor(open_store(root), name, service=service, data=data, risk_tier=risk_tier, agreement_ref=agreement,
                  agreement_signed=day(agreement_signed), agreement_expires=day(agreement_expires),
                  certifications=certification, last_review=day(last_review))
    err_console.print(f"updated vendor {name}")


@vendors.command("list")
def list_(fmt: Format = FormatOption, root: Path = RootOption) -> None:
    """Every vendor."""
    from secplan.cli._gov import open_store
    from secplan.compliance.vendors import list_vendors

    rows = list_vendors(open_store(root))
    emit(rows, fmt, lambda: simple_table(
        "vendors", ["name", "service", "risk", "data", "agreement", "expires", "last review"],
        [[v["name"], v["service"], v["risk_tier"], ", ".join(f"{d['what']} ({d['classification']})" for d in v["data"]),
          v["agreement"]["ref"], v["agreement"]["expires"], v["last_review"]] for v in rows]))


@vendors.command("show")
def show(name: str, fmt: Format = FormatOption, root: Path = RootOption) -> None:
    """One vendor's record: data shared, agreement, certifications, reviews."""
    from secplan.cli._gov import open_store
    from secplan.compliance.vendors import show_vendor

    emit_record(show_vendor(open_store(root), name), fmt, name)


def register(app: typer.Typer) -> None:
    app.add_typer(vendors, name="vendors")
