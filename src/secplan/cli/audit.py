"""``secplan audit``: read, verify, prove and export the tamper-evident audit ledger (CS-4)."""

from __future__ import annotations

import sys
from pathlib import Path

import typer

from secplan.cli.common import (
    Format,
    FormatOption,
    OutputOption,
    RootOption,
    console,
    emit,
    err_console,
    progress,
    simple_table,
)
from secplan.errors import InputError, IntegrityError

audit_app = typer.Typer(help="The audit ledger: who did what, when; tamper-evident, with signed checkpoints.",
                        no_args_is_help=True)


def _open(root: Path):
    from secplan.store.db import Store

    if not Store.exists_for(root):
        raise InputError(f"no secplan store in {root.resolve()}: nothing has been recorded there yet")
    return Store.for_project(root)


@audit_app.command("log")
def log_command(
    since: str | None = typer.Option(None, "--since", help="Only entries at or after this date or ISO time (UTC)."),
    actor: str | None = typer.Option(None, "--actor", help="Only entries by this actor."),
    action: str | None = typer.Option(None, "--action", help="Only actions starting with this (e.g. keys. or keys.rotate)."),
    limit: int = typer.Option(100, "--limit", "-n", min=0, help="Show the newest N matching entries (0: all)."),
    fmt: Format = FormatOption,
    root: Path = RootOption,
) -> None:
    """List ledger entries, oldest first."""
    from secplan.access import require_at

    require_at(root, "read", "ledger")
    from secplan.ledger.query import find, parse_since

    store = _open(root)
    entries = find(store, since=parse_since(since) if since else None, actor=actor, action=action, limit=limit or None)
    emit(
        [e.to_json() for e in entries],
        fmt,
        lambda: simple_table(
            "audit ledger",
            ["seq", "time (UTC)", "actor", "action", "object", "outcome", "details"],
            [(e.seq, e.timestamp[:19].replace("T", " "), e.actor, e.action, e.object, e.outcome,
              _short(e.details)) for e in entries],
        ),
    )


def _short(details: str, width: int = 60) -> str:
    if details == "{}":
        return ""
    return details if len(details) <= width else details[: width - 1] + "…"


@audit_app.command("verify")
def verify_command(
    export_file: Path | None = typer.Option(None, "--export", help="Check this `audit export` file offline instead "
                                            "of the store (no store or key folder needed).", dir_okay=False),
    key: str | None = typer.Option(None, "--key", help="With --export: the ledger's public key (PEM file, 64 hex "
                                   "digits, or NAME+ID+KEY) [default: the one the export names, with a warning]."),
    fmt: Format = FormatOption,
    root: Path = RootOption,
) -> None:
    """Recompute the chain and tree and check them against the signed checkpoints; exit 1 naming the first bad entry."""
    if key is not None and export_file is None:
        raise InputError("--key is for checking an export: give --export FILE too")
    with progress() as bar:
        task = bar.add_task("verifying the audit ledger", total=None)
        on_progress = lambda done, total: bar.update(task, completed=done, total=total or None)  # noqa: E731
        if export_file is not None:
            from secplan.ledger.offline import read_key, verify_export

            report = verify_export(export_file, read_key(key) if key else None, on_progress)
        else:
            from secplan.access import require_at

            require_at(root, "read", "ledger")
            from secplan.ledger.verify import verify

            report = verify(_open(root), on_progress=on_progress)
    if str(fmt) == Format.JSON:
        emit(report.to_json(), fmt)
    for warning in report.warnings:
        err_console.print(f"[yellow]warning:[/yellow] {warning}", highlight=False)
    if not report.ok:
        where = f"ledger entry {report.first_bad}" if report.first_bad is not None else "ledger"
        raise IntegrityError(f"{where} is not authentic ({report.kind}): {report.message}")
    if str(fmt) != Format.JSON:
        console.print(
            f"ledger ok: {report.entries} entries, {report.checkpoints} signed checkpoints checked, "
            f"root {report.root_hash}",
            highlight=False,
        )


def _tiles_ready(store) -> None:
    """Build the tiles of a ledger from before tiles existed, with a progress bar (once; seconds per million)."""
    from secplan.ledger.proof import ensure_tiles

    with progress() as bar:
        task = bar.add_task("indexing the audit ledger (once)", total=None)
        ensure_tiles(store, on_progress=lambda done, total: bar.update(task, completed=done, total=total))


@audit_app.command("proof")
def proof_command(
    entry: int = typer.Argument(..., min=1, help="The entry's sequence number."),
    fmt: Format = FormatOption,
    root: Path = RootOption,
) -> None:
    """Print an RFC 6962 inclusion proof of ENTRY against the newest signed checkpoint (checked before printing)."""
    from secplan.access import require_at

    require_at(root, "read", "ledger")
    from secplan.ledger.proof import inclusion_proof

    store = _open(root)
    _tiles_ready(store)
    proof = inclusion_proof(store, entry).to_json()
    rows = [(k, proof[k]) for k in ("seq", "leaf_index", "leaf_hash", "tree_size", "root_hash")]
    rows += [(f"path[{i}]", h) for i, h in enumerate(proof["audit_path"])]
    rows += [("signed at", proof["checkpoint"]["timestamp"]), ("key id", proof["checkpoint"]["key_id"]),
             ("verified", "yes")]
    emit(proof, fmt, lambda: simple_table(f"inclusion proof of entry {entry}", ["field", "value"], rows))


@audit_app.command("consistency")
def consistency_command(
    old_size: int = typer.Argument(..., min=1, help="The size of the earlier tree (e.g. of a checkpoint you kept)."),
    fmt: Format = FormatOption,
    root: Path = RootOption,
) -> None:
    """Print an RFC 9162 consistency proof from the tree of OLD_SIZE entries to the newest signed checkpoint."""
    from secplan.access import require_at

    require_at(root, "read", "ledger")
    from secplan.ledger.proof import consistency_proof

    store = _open(root)
    _tiles_ready(store)
    proof = consistency_proof(store, old_size).to_json()
    rows = [(k, proof[k]) for k in ("old_size", "old_root", "tree_size", "root_hash")]
    rows += [(f"path[{i}]", h) for i, h in enumerate(proof["consistency_path"])]
    rows += [("old size signed", "yes" if proof["old_checkpoint"] else "no checkpoint at that size"),
             ("key id", proof["checkpoint"]["key_id"]), ("verified", "yes")]
    emit(proof, fmt, lambda: simple_table(f"consistency proof {old_size} -> {proof['tree_size']}", ["field", "value"], rows))


@audit_app.command("export")
def export_command(
    output: Path | None = OutputOption,
    tiles: Path | None = typer.Option(None, "--tiles", help="Write a static tiled log (C2SP tlog-tiles) to this new folder.",
                                      file_okay=False),
    root: Path = RootOption,
) -> None:
    """Write the whole ledger as JSON lines (to stdout or -o FILE), or as a tiled log of static files (--tiles DIR)."""
    from secplan.access import require_at

    require_at(root, "read", "ledger")
    if tiles is not None:
        if output is not None:
            raise InputError("--tiles and -o both name the output: use one")
        _export_tiles(root, tiles)
        return
    from secplan.fsutil import atomic_writer
    from secplan.ledger.export import export

    store = _open(root)
    if output is None:
        count = export(store, sys.stdout)
        sys.stdout.flush()
        return
    with atomic_writer(output, "w", perms=0o600) as handle:
        count = export(store, handle)
    err_console.print(f"wrote {count} entries to {output}", highlight=False)


def _export_tiles(root: Path, dest: Path) -> None:
    from secplan.ledger.note import vkey
    from secplan.ledger.proof import signed_head
    from secplan.ledger.signing import origin_of
    from secplan.ledger.static import export_tiles

    if dest.exists() and (not dest.is_dir() or any(dest.iterdir())):
        raise InputError(f"{dest} already exists and is not an empty folder", hint="choose a new folder")
    store = _open(root)
    public, checkpoint = signed_head(store)
    if checkpoint is None:
        raise InputError("the audit ledger is empty: there is nothing to export")
    _tiles_ready(store)
    with progress() as bar:
        task = bar.add_task("writing the tiled log", total=checkpoint.tree_size)
        count = export_tiles(store, dest, checkpoint, on_progress=lambda done, total: bar.update(task, completed=done))
    err_console.print(f"wrote a tiled log of {count} entries to {dest}", highlight=False)
    origin = origin_of(checkpoint)
    if origin is not None:
        err_console.print(f"verifier key: {vkey(origin, public)}", highlight=False)


def register(app: typer.Typer) -> None:
    app.add_typer(audit_app, name="audit")
