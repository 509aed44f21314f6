"""``secplan db``: offline vulnerability databases."""

from __future__ import annotations

from pathlib import Path

import typer

from secplan.cli.common import err_console

db_app = typer.Typer(help="Offline vulnerability databases (OSV) for `secplan platform scan`.", no_args_is_help=True)


@db_app.command("import")
def import_(
    source: Path = typer.Argument(..., help="A directory of OSV JSON files, an osv.dev all.zip, or a .jsonl(.gz) file."),
    db: Path | None = typer.Option(None, "--db", help="Index file to write (default: $SECPLAN_OSV_DB or the user cache)."),
) -> None:
    """Build a fast local index from an OSV source (atomically replaces the old index)."""
    import os

    from secplan.platform.osv.index import DB_ENV, build_index, default_index_path

    dest = db or (Path(os.environ[DB_ENV]) if os.environ.get(DB_ENV) else default_index_path())
    warnings: list[str] = []
    meta = build_index(source, dest, warnings)
    for warning in warnings[:20]:
        err_console.print(f"[yellow]warning:[/yellow] {warning}", highlight=False, markup=True)
    if len(warnings) > 20:
        err_console.print(f"[yellow]warning:[/yellow] {len(warnings) - 20} more skipped records")
    err_console.print(f"indexed {meta['advisories']} advisories for {meta['packages']} packages into {dest}")


def register(app: typer.Typer) -> None:
    app.add_typer(db_app, name="db")
