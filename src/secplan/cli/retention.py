"""``secplan retention``: list what is past retention (dry run), then delete and crypto-shred it."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import typer

from secplan.cli.common import Format, FormatOption, RootOption, confirm, emit, err_console, simple_table
from secplan.errors import IntegrityError

retention_app = typer.Typer(help="Retention and deletion with crypto-shredding (CS-3).", no_args_is_help=True)


def _context(root: Path):
    from secplan.compliance.retention.schedule import schedule
    from secplan.crypto.keys.manager import KeyManager
    from secplan.plan.loader import load_plan, plan_path
    from secplan.store.db import Store

    root = root.resolve()
    plan = load_plan(plan_path(root))
    store = Store.for_project(root) if Store.exists_for(root) else None
    return root, plan, store, KeyManager.for_project(root), schedule(root, plan, dt.date.today())


def _backup_lines(holding: dict[str, list[str]], note: str | None, shredded: set[str] = frozenset()) -> None:
    if note:
        err_console.print(f"backups: {note}", markup=False)
    for path, snaps in holding.items():
        if not snaps:
            continue
        if path in shredded:
            err_console.print(f"backups still hold {path} in snapshot(s) {', '.join(snaps)}, as ciphertext under a "
                              "destroyed key: unrecoverable", markup=False)
        else:
            err_console.print(f"backups still hold a readable copy of {path} in snapshot(s) {', '.join(snaps)} until "
                              "the keep policy forgets them (or `restic forget` them now)", markup=False)


@retention_app.command("plan")
def plan_command(root: Path = RootOption, fmt: Format = FormatOption) -> None:
    """What is past retention, which keys would be shredded, and which backups hold copies (dry run)."""
    from secplan.access import require_at

    require_at(root, "read", "dataset")
    from secplan.compliance.retention.apply import DELETE_ACTION, approval_target, backup_copies, shred_plan

    root, plan, store, keys, sched = _context(root)
    due = list(sched.due)
    shreds = shred_plan(root, plan, due, keys, store)
    backups = backup_copies(root, plan, store, keys, due) if due else None
    needed = sorted({approval_target(plan, d.asset) for d in due}) \
        if DELETE_ACTION in plan.policy.approvals.two_person_rule else []
    doc: dict[str, Any] = {"today": sched.today.isoformat(), "due": [d.to_dict() for d in due],
                           "approvals_needed": [f"{DELETE_ACTION} {t}" for t in needed],
                           "within_retention": sched.within, "no_retention_period": list(sched.undefined),
                           "would_shred": shreds.shred, "keys_kept": shreds.keep,
                           "backups": backups.holding if backups else {}, "backups_note": backups.note if backups else None}
    emit(doc, fmt, lambda: simple_table(f"past retention ({len(due)})",
                                        ["path", "retention", "age", "overdue", "encrypted", "backups"],
                                        [(d.path, f"{d.retention_days}d ({d.basis})", f"{d.age_days}d",
                                          f"{d.overdue_days}d", "yes" if d.encrypted else "no",
                                          ", ".join(backups.holding.get(d.path, [])) if backups else "")
                                         for d in due]))
    if str(fmt) != Format.JSON:
        for kek, paths in shreds.shred.items():
            err_console.print(f"apply would destroy key {kek} (crypto-shred of {len(paths)} file(s))", markup=False)
        for kek, why in shreds.keep.items():
            err_console.print(f"key {kek} kept: {why}", markup=False)
        if backups:
            _backup_lines(backups.holding, backups.note)
        if sched.undefined:
            err_console.print(f"no retention period: {', '.join(sched.undefined)}", markup=False)
        for target in needed:
            err_console.print(f"apply needs an approved request: {DELETE_ACTION} {target} (two-person rule)",
                              markup=False)
        if due:
            err_console.print("dry run: nothing deleted; `secplan retention apply --yes` deletes it", markup=False)


@retention_app.command("apply")
def apply_command(yes: bool = typer.Option(False, "--yes", help="Do not ask: deletion is final."),
                  root: Path = RootOption, fmt: Format = FormatOption) -> None:
    """Delete every file past retention, crypto-shred keys left unused, record each in the ledger."""
    from secplan.access import require_at

    require_at(root, "write", "dataset")
    from secplan.compliance.retention.apply import apply
    from secplan.store.db import Store

    root, plan, store, keys, sched = _context(root)
    if not sched.due:
        emit({"deleted": [], "failed": {}, "shredded": []}, fmt,
             lambda: "nothing is past its retention period")
        return
    confirm(f"delete {len(sched.due)} file(s) past retention? this is final", yes=yes, refusal="nothing deleted")
    result = apply(root, plan, sched, store or Store.for_project(root), keys)
    emit(result, fmt, lambda: simple_table("deleted", ["path"], [(p,) for p in result["deleted"]]))
    if str(fmt) != Format.JSON:
        for kek in result["shredded"]:
            err_console.print(f"crypto-shredded: destroyed key {kek}", markup=False)
        for kek, why in result["kept_keys"].items():
            err_console.print(f"key {kek} kept: {why}", markup=False)
        _backup_lines(result["backups"], result["backups_note"], set(result["shredded_files"]))
    if result["failed"]:
        raise IntegrityError(f"{len(result['failed'])} deletion(s) failed: "
                             + "; ".join(f"{k}: {v}" for k, v in result["failed"].items()))


def register(app: typer.Typer) -> None:
    app.add_typer(retention_app, name="retention")
