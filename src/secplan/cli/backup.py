"""``secplan backup``: restic backups from the plan: init, create, list, verify, restore, drill."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer

from secplan.cli.common import Format, FormatOption, RootOption, emit, err_console, simple_table
from secplan.errors import IntegrityError

backup_app = typer.Typer(help="Backups and disaster recovery with restic (DS-5).", no_args_is_help=True)


def _engine(root: Path):
    from secplan.crypto.keys.manager import KeyManager
    from secplan.data.backup.engine import BackupEngine
    from secplan.plan.loader import load_plan, plan_path
    from secplan.store.db import Store

    root = root.resolve()
    plan = load_plan(plan_path(root))
    return BackupEngine(root, plan, Store.for_project(root), KeyManager.for_project(root))


def _summary(result: dict[str, Any], fmt: Format) -> None:
    keys = [k for k in result if k not in ("problems",)]
    emit(result, fmt, lambda: simple_table(f"backup {result['kind']}", ["field", "value"],
                                           [(k, result[k]) for k in keys]))


@backup_app.command("init")
def init_command(root: Path = RootOption, fmt: Format = FormatOption) -> None:
    """Create the plan's restic repository; its password is wrapped under the managed key `backup`."""
    from secplan.access import require_at

    require_at(root, "write", "dataset")
    _summary(_engine(root).init(), fmt)


@backup_app.command("create")
def create_command(prune: bool = typer.Option(True, "--prune/--no-prune",
                                              help="Apply the plan's keep-daily/weekly/monthly (forget --prune)."),
                   root: Path = RootOption, fmt: Format = FormatOption) -> None:
    """Back up the plan's paths (default: every declared asset)."""
    from secplan.access import require_at

    require_at(root, "write", "dataset")
    result = _engine(root).create(prune=prune)
    if result.get("skipped_missing"):
        err_console.print(f"skipped declared assets that no longer exist: {', '.join(result['skipped_missing'])}",
                          markup=False)
    _summary(result, fmt)


@backup_app.command("list")
def list_command(root: Path = RootOption, fmt: Format = FormatOption) -> None:
    """Snapshots in the repository."""
    from secplan.access import require_at

    require_at(root, "read", "dataset")
    snaps = _engine(root).snapshots()
    emit(snaps, fmt, lambda: simple_table("snapshots", ["id", "time", "paths", "tags"],
                                          [(s["short_id"], s["time"][:19].replace("T", " "), " ".join(s["paths"]),
                                            ",".join(s.get("tags") or [])) for s in snaps]))


@backup_app.command("verify")
def verify_command(root: Path = RootOption, fmt: Format = FormatOption) -> None:
    """Read and check every byte of the repository (restic check --read-data); exit 1 on damage."""
    from secplan.access import require_at

    require_at(root, "read", "dataset")
    _summary(_engine(root).verify(), fmt)


@backup_app.command("restore")
def restore_command(target: Path = typer.Argument(..., help="An empty or new folder to restore into."),
                    snapshot: str = typer.Option("latest", "--snapshot"),
                    root: Path = RootOption, fmt: Format = FormatOption) -> None:
    """Restore a snapshot into a folder (never over existing files)."""
    from secplan.access import require_at

    require_at(root, "write", "dataset")
    _summary(_engine(root).restore(snapshot, target), fmt)


@backup_app.command("drill")
def drill_command(scratch: Path | None = typer.Option(None, "--scratch", help="Where to restore (a temp folder "
                                                      "inside it, removed afterwards); default: the system's temp."),
                  root: Path = RootOption, fmt: Format = FormatOption) -> None:
    """Restore the latest snapshot and compare every file's SHA-256 with the source; exit 1 on mismatch."""
    from secplan.access import require_at

    require_at(root, "write", "dataset")
    result = _engine(root).drill(scratch)
    _summary(result, fmt)
    if result["outcome"] != "success":
        for problem in result.get("problems", []):
            err_console.print(f"  {problem}", markup=False)
        raise IntegrityError("restore drill failed: the backup does not restore what the project holds")


def register(app: typer.Typer) -> None:
    app.add_typer(backup_app, name="backup")
