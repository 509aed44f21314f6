"""``secplan keys``: create, list, show, rotate, destroy and export managed keys (never their secrets)."""

from __future__ import annotations

from pathlib import Path

import typer

from secplan.cli.common import (
    Format,
    FormatOption,
    RootOption,
    confirm,
    emit,
    err_console,
    output_option,
    simple_table,
    write_output,
)
from secplan.errors import InputError, IntegrityError

keys_app = typer.Typer(help="Managed keys: local keystore, PKCS#11 HSM, AWS KMS. `keys unlock` asks for the "
                            "keystore passphrase once per session, `keys lock` ends the session.",
                       no_args_is_help=True)

TYPES = ["aes-kek", "x25519", "ecdsa-p256", "ed25519"]
PROVIDERS = ["local", "pkcs11", "aws-kms"]


def _manager(root: Path):
    from secplan.crypto.keys.manager import KeyManager

    return KeyManager.for_project(root)


def _warn_if_keystore_in_project(keystore: Path, root: Path) -> None:
    """The default keystore sits in the project: say how to keep it out of version control."""
    root = root.resolve()
    if not keystore.resolve().is_relative_to(root):
        return
    ignore = root / ".gitignore"
    lines = ignore.read_text(encoding="utf-8").splitlines() if ignore.is_file() else []
    if not any(line.strip().strip("/") == ".secplan" for line in lines):
        err_console.print(f"note: the keystore {keystore} is inside the project: add .secplan/ to .gitignore, "
                          "or keep it elsewhere with SECPLAN_KEYSTORE", markup=False, highlight=False)


def _rows(views: list[dict]) -> list[tuple]:
    return [(v["id"], v["type"], v["provider"], v["state"], v["created"][:19].replace("T", " ")) for v in views]


@keys_app.command("create")
def create_command(
    name: str = typer.Argument(..., help="Key name (letters, digits, . _ -)."),
    key_type: str = typer.Option("aes-kek", "--type", "-t", help=f"One of: {', '.join(TYPES)}."),
    provider: str = typer.Option("local", "--provider", help=f"One of: {', '.join(PROVIDERS)}."),
    root: Path = RootOption,
    fmt: Format = FormatOption,
) -> None:
    """Create a key (version 1)."""
    from secplan.access import require_at

    require_at(root, "administer", "key")
    from secplan.crypto.keys.interface import KeyType

    if key_type not in TYPES:
        raise InputError(f"unknown key type {key_type!r} (choose from {', '.join(TYPES)})")
    if provider not in PROVIDERS:
        raise InputError(f"unknown provider {provider!r} (choose from {', '.join(PROVIDERS)})")
    keys = _manager(root)
    key = keys.create(name, KeyType(key_type), provider)
    _warn_if_keystore_in_project(keys.keystore.path, root)
    view = key.public_view()
    emit(view, fmt, lambda: simple_table("created", ["id", "type", "provider", "state", "created"], _rows([view])))


@keys_app.command("list")
def list_command(root: Path = RootOption, fmt: Format = FormatOption) -> None:
    """Every key version with its provider, state and creation date."""
    from secplan.access import require_at

    require_at(root, "read", "key")
    views = [k.public_view() for k in _manager(root).list()]
    emit(views, fmt, lambda: simple_table("keys", ["id", "type", "provider", "state", "created"], _rows(views)))


@keys_app.command("show")
def show_command(ref: str = typer.Argument(..., help="NAME (active version) or NAME@vN."),
                 root: Path = RootOption, fmt: Format = FormatOption) -> None:
    """One key version's metadata and locator."""
    from secplan.access import require_at

    require_at(root, "read", "key")
    view = _manager(root).get(ref).public_view()
    emit(view, fmt, lambda: simple_table(view["id"], ["field", "value"],
                                         [(k, v) for k, v in view.items() if k != "locator"]
                                         + [(f"locator.{k}", v) for k, v in view["locator"].items()]))


@keys_app.command("rotate")
def rotate_command(
    name: str = typer.Argument(..., help="Key name."),
    path: list[Path] = typer.Option([], "--path", help="Re-wrap every encrypted file under this path (repeatable)."),
    resume: bool = typer.Option(False, "--resume", help="Re-wrap to the current version; make no new one."),
    root: Path = RootOption,
    fmt: Format = FormatOption,
) -> None:
    """Make a new key version and re-wrap files' data keys to it (no data is re-encrypted)."""
    from secplan.access import require_at

    require_at(root, "administer", "key")
    from secplan.crypto.rotate import RewrapReport, rewrap_tree

    keys = _manager(root)
    if resume:
        previous, target = None, keys.get(name)
    else:
        previous, target = keys.rotate(name)
    reports: list[RewrapReport] = []
    for folder in path:
        if not folder.exists():
            raise InputError(f"{folder}: no such file or folder")
        report = rewrap_tree(folder, keys, target)
        keys.record_event("keys.rewrap", f"key:{target.id}", {"path": str(folder), **report.to_dict()},
                          "failure" if report.failed else "success")
        reports.append(report)
    result = {"previous": previous.id if previous else None, "current": target.id,
              "paths": {str(p): r.to_dict() for p, r in zip(path, reports, strict=True)}}
    if str(fmt) == Format.JSON:
        emit(result, fmt)
    else:
        if previous:
            err_console.print(f"rotated {previous.id} -> {target.id}")
        for folder, r in zip(path, reports, strict=True):
            err_console.print(f"{folder}: {len(r.rewrapped)} re-wrapped, {len(r.current)} already current, "
                              f"{len(r.other_keys)} under other keys, {len(r.failed)} failed")
            for failed, why in r.failed.items():
                err_console.print(f"  failed: {failed}: {why}", markup=False)
    if any(r.failed for r in reports):
        raise IntegrityError("some files were not re-wrapped; keep the previous key version until they are",
                             hint=f"fix them and run `secplan keys rotate {name} --resume --path ...`")


@keys_app.command("destroy")
def destroy_command(
    ref: str = typer.Argument(..., help="NAME@vN destroys one version; NAME destroys every version."),
    yes: bool = typer.Option(False, "--yes", help="Do not ask: data under this key becomes unrecoverable."),
    root: Path = RootOption,
    fmt: Format = FormatOption,
) -> None:
    """Erase key material for good: whatever it still protects becomes unrecoverable (crypto-shredding)."""
    from secplan.access import require_at

    require_at(root, "administer", "key")
    confirm(f"destroy {ref}? data still under it becomes unrecoverable", yes=yes, refusal="nothing destroyed")
    gone = _manager(root).destroy(ref)
    views = [k.public_view() for k in gone]
    emit(views, fmt, lambda: simple_table("destroyed", ["id", "type", "provider", "state", "created"], _rows(views)))


@keys_app.command("export-public")
def export_public_command(ref: str = typer.Argument(..., help="An x25519, ecdsa-p256 or ed25519 key."),
                          output: Path | None = output_option(),
                          root: Path = RootOption) -> None:
    """Print the public key (PEM) of an asymmetric key."""
    from secplan.access import require_at

    require_at(root, "read", "key")
    keys = _manager(root)
    pem = keys.export_public(ref)
    keys.record_event("keys.export-public", f"key:{keys.get(ref).id}", {})
    write_output(pem.decode("ascii"), output)


@keys_app.command("unlock")
def unlock_command(
    ttl: str = typer.Option("15m", "--ttl", metavar="DURATION", help="How long it stays unlocked: 90s, 15m, 1h, "
                                                                     "1h30m (at most 24h)."),
    root: Path = RootOption,
    fmt: Format = FormatOption,
) -> None:
    """Ask for the keystore passphrase once: later commands need none until --ttl ends or `keys lock`.

    The key derived from the passphrase is kept in the kernel keyring, or wrapped in a 0600 file
    under $XDG_RUNTIME_DIR; the passphrase itself is never stored."""
    from secplan.access import require_at
    from secplan.crypto.keys.unlock import parse_ttl

    require_at(root, "read", "key")
    seconds = parse_ttl(ttl)
    keys = _manager(root)
    local = keys.provider("local")
    unlocked = local.unlock(seconds)
    result = {"keystore": str(keys.keystore.path), "where": unlocked.where,
              "expires": unlocked.expires.isoformat(timespec="seconds")}
    try:
        keys.record_event("keys.unlock", f"keystore:{keys.keystore.path}",
                          {"where": unlocked.where, "expires": result["expires"]})
    except BaseException:  # an unlock the ledger does not know of is not left behind
        local.lock()
        raise
    if str(fmt) == Format.JSON:
        emit(result, fmt)
    else:
        err_console.print(f"unlocked {keys.keystore.path} until {result['expires']} ({unlocked.where}); "
                          "`secplan keys lock` ends it sooner", markup=False, highlight=False)


@keys_app.command("lock")
def lock_command(root: Path = RootOption, fmt: Format = FormatOption) -> None:
    """Forget the key `secplan keys unlock` kept: the next command asks for the passphrase again."""
    from secplan.access import require_at

    require_at(root, "read", "key")
    keys = _manager(root)
    removed = keys.provider("local").lock()
    keys.record_event("keys.lock", f"keystore:{keys.keystore.path}", {"removed": removed})
    if str(fmt) == Format.JSON:
        emit({"keystore": str(keys.keystore.path), "removed": removed}, fmt)
    elif removed:
        err_console.print(f"locked {keys.keystore.path} (removed from {', '.join(removed)})",
                          markup=False, highlight=False)
    else:
        err_console.print(f"{keys.keystore.path} was not unlocked", markup=False, highlight=False)


def register(app: typer.Typer) -> None:
    app.add_typer(keys_app, name="keys")
