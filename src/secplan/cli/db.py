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
    _index(source, _destination(db))


@db_app.command("update")
def update(
    source: str = typer.Argument(None, metavar="[FILE|URL]",
                                 help="osv.dev's PyPI all.zip as a file or a URL (default: osv.dev's own URL)."),
    db: Path | None = typer.Option(None, "--db", help="Index file to write (default: $SECPLAN_OSV_DB or the user cache)."),
) -> None:
    """Refresh the advisory database from osv.dev (or a copy of its all.zip) and rebuild the index.

    Examples:
      secplan db update                       # download osv.dev's PyPI database
      secplan db update ~/Downloads/all.zip   # from a file fetched elsewhere (air-gapped machines)
    """
    from secplan.cli.common import progress
    from secplan.platform.osv.download import OSV_PYPI_URL, downloaded

    dest = _destination(db)
    target = source or OSV_PYPI_URL
    if "://" not in target:
        _index(Path(target), dest)
        return
    with progress() as bar:
        task = bar.add_task(f"downloading {target}", total=None)
        with downloaded(target, dest.parent, lambda done, total: bar.update(task, completed=done, total=total)) as path:
            bar.update(task, description="indexing")
            _index(path, dest, shown=target)


def _destination(db: Path | None) -> Path:
    import os

    from secplan.platform.osv.index import DB_ENV, default_index_path

    return db or (Path(os.environ[DB_ENV]) if os.environ.get(DB_ENV) else default_index_path())


def _index(source: Path, dest: Path, shown: str | None = None) -> None:
    from secplan.platform.osv.index import build_index

    warnings: list[str] = []
    meta = build_index(source, dest, warnings, shown=shown)
    for warning in warnings[:20]:
        err_console.print(f"[yellow]warning:[/yellow] {warning}", highlight=False, markup=True)
    if len(warnings) > 20:
        err_console.print(f"[yellow]warning:[/yellow] {len(warnings) - 20} more skipped records")
    newest = f", newest record {meta['newest'][:10]}" if meta.get("newest") else ""
    err_console.print(f"indexed {meta['advisories']} advisories for {meta['packages']} packages into {dest}{newest}")


def register(app: typer.Typer) -> None:
    app.add_typer(db_app, name="db")
