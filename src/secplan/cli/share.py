"""``secplan share``: encrypted, signed packages for third parties; open, list, revoke."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import typer

from secplan.cli.common import (
    Format,
    FormatOption,
    RootOption,
    emit,
    err_console,
    output_option,
    simple_table,
)
from secplan.errors import InputError

share_app = typer.Typer(help="Secure sharing with third parties (DS-8).", no_args_is_help=True)
COLUMNS = ["id", "file", "recipient", "agreement", "expires", "revoked"]


def _date(value: str, option: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise InputError(f"{option} {value!r}: not a date (YYYY-MM-DD)") from None


def _rows(views: list[dict]) -> list[tuple]:
    return [(v["id"][:8], v["file"], v["recipient"][:20] + "...", v["agreement"] or "(none)", v["expires"],
             (v["revoked_at"] or "")[:10]) for v in views]


@share_app.command("create")
def create_command(
    file: Path = typer.Argument(..., help="The file to share."),
    recipient: str = typer.Option(..., "--recipient", help="age1... or a file with an age recipient or "
                                  "a PEM X25519 public key (secplan keys export-public)."),
    expires: str = typer.Option(..., "--expires", help="Last day the share may be opened (YYYY-MM-DD)."),
    agreement: str | None = typer.Option(None, "--agreement", help="The data-sharing agreement's reference."),
    no_agreement: bool = typer.Option(False, "--no-agreement", help="Share without an agreement (DS-8 flags it)."),
    signing_key: str = typer.Option("share-signing", "--signing-key", help="An ed25519 managed key."),
    output: Path | None = output_option("Package path (default FILE.share.tar)."),
    root: Path = RootOption,
    fmt: Format = FormatOption,
) -> None:
    """Encrypt FILE to the recipient (age) with a signed manifest; record the share."""
    from secplan.access import require_at

    require_at(root, "decrypt", "dataset")
    from secplan.crypto.keys.manager import KeyManager
    from secplan.data.share.keys import parse_recipient
    from secplan.data.share.service import create_share
    from secplan.identity import current_actor
    from secplan.store.db import Store

    if agreement is None and not no_agreement:
        raise InputError("--agreement REF is required (or pass --no-agreement explicitly)")
    if agreement is not None and no_agreement:
        raise InputError("--agreement and --no-agreement exclude each other")
    root = root.resolve()
    age_recipient = parse_recipient(recipient)
    out = output or file.with_name(file.name + ".share.tar")
    view = create_share(root, Store.for_project(root), KeyManager.for_project(root), file, out,
                        recipient=age_recipient, expires=_date(expires, "--expires"), agreement=agreement,
                        sender=current_actor(), key_ref=signing_key)
    err_console.print(f"wrote {out}", markup=False)
    doc = view.to_dict()
    emit(doc, fmt, lambda: simple_table("share", COLUMNS, _rows([doc])))


@share_app.command("open")
def open_command(
    package: Path = typer.Argument(..., help="A share package (.share.tar)."),
    identity: Path = typer.Option(..., "--identity", "-i", help="age identity file or PEM X25519 private key."),
    sender_key: Path | None = typer.Option(None, "--sender-key", help="The sender's Ed25519 public key (PEM)."),
    output: Path | None = output_option("Where to write (default: the shared name)."),
    fmt: Format = FormatOption,
) -> None:
    """Verify signature, expiry and digests, then decrypt (the output appears only if all checks pass)."""
    from secplan.data.share.package import open_package

    pem = None
    if sender_key is not None:
        try:
            pem = sender_key.read_bytes()
        except OSError as exc:
            raise InputError(f"{sender_key}: cannot read: {exc.strerror}") from None
    opened = open_package(package, identity, output, today=dt.date.today(), sender_key_pem=pem)
    if not opened.sender_verified:
        err_console.print("warning: signature checked against the key inside the package; it proves the package "
                          "is intact, not who sent it. Pass --sender-key to check the sender.", markup=False)
    doc = {"output": str(opened.output), "sender_verified": opened.sender_verified,
           **opened.manifest.model_dump(mode="json", exclude={"signing_public_key"})}
    emit(doc, fmt, lambda: simple_table("opened", ["field", "value"], list(doc.items())))


@share_app.command("list")
def list_command(root: Path = RootOption, fmt: Format = FormatOption) -> None:
    """Every recorded share of the project."""
    from secplan.access import require_at

    require_at(root, "read", "dataset")
    from secplan.data.share.service import list_shares
    from secplan.store.db import Store

    root = root.resolve()
    views = [v.to_dict() for v in list_shares(root, Store.for_project(root))]
    emit(views, fmt, lambda: simple_table("shares", COLUMNS, _rows(views)))


@share_app.command("revoke")
def revoke_command(share_id: str = typer.Argument(..., help="The share id (see `secplan share list`)."),
                   reason: str = typer.Option(..., "--reason", help="Why (recorded in the ledger)."),
                   root: Path = RootOption, fmt: Format = FormatOption) -> None:
    """Mark a share revoked (it cannot recall data already delivered: ask the recipient to delete it)."""
    from secplan.access import require_at

    require_at(root, "write", "dataset")
    from secplan.data.share.service import list_shares, revoke_share
    from secplan.store.db import Store

    root = root.resolve()
    store = Store.for_project(root)
    matches = [v.id for v in list_shares(root, store) if v.id.startswith(share_id)] if len(share_id) >= 8 else []
    if len(matches) != 1:
        raise InputError(f"share {share_id!r}: {'ambiguous' if matches else 'no such share'} "
                         "(give at least 8 characters of an id from `secplan share list`)")
    doc = revoke_share(root, store, matches[0], reason).to_dict()
    emit(doc, fmt, lambda: simple_table("revoked", COLUMNS, _rows([doc])))


def register(app: typer.Typer) -> None:
    app.add_typer(share_app, name="share")
