"""``secplan tokens``: API tokens, shown once, stored hashed (Argon2), scoped, expiring, revocable.

A token is printed once, by ``create``, and never again: not by ``list``, and not by ``revoke``
or any error, even when what was given is a mistyped token."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import typer

from secplan.cli._gov import DATE_FORMATS
from secplan.cli.common import (
    Format,
    FormatOption,
    RootOption,
    console,
    emit,
    err_console,
    simple_table,
    to_json,
)

tokens = typer.Typer(help="API tokens: use one by setting SECPLAN_TOKEN.", no_args_is_help=True)


@tokens.command("create")
def create(user: str,
           role: list[str] = typer.Option([], "--role", help="Limit the token to these roles of the user."),
           scope: str = typer.Option("write", "--scope",
                                     help="read (read, infer), write (also write, decrypt, approve) or admin "
                                          "(everything the roles allow)."),
           expires: dt.datetime | None = typer.Option(None, "--expires", formats=DATE_FORMATS,
                                                      help="Last valid day (default 90 days, at most a year)."),
           all_projects: bool = typer.Option(False, "--all-projects",
                                             help="Act in every project with the user's roles there (for the "
                                                  "server's portfolio); only for yourself or as the store's owner."),
           fmt: Format = FormatOption, root: Path = RootOption) -> None:
    """Create a token for USER. The token is printed once: store it in a secret manager."""
    from secplan.cli._gov import day, open_store
    from secplan.human.accounts import create_token

    issued = create_token(open_store(root), user, roles=role or None, expires=day(expires), scope=scope,
                          all_projects=all_projects)
    if str(fmt) == Format.JSON:
        console.file.write(to_json({"token": issued.token, "id": issued.token_id, "user": issued.user,
                                    "roles": issued.roles, "scope": issued.scope,
                                    "expires_at": issued.expires_at.isoformat(),
                                    "all_projects": issued.all_projects}))
        return
    err_console.print(f"token {issued.token_id} for {user} (scope {issued.scope}), expires {issued.expires_at:%Y-%m-%d}; "
                      "shown once, use it as SECPLAN_TOKEN:")
    console.file.write(issued.token + "\n")  # never wrapped or styled: it is pasted as is


@tokens.command("list")
def list_(fmt: Format = FormatOption, root: Path = RootOption) -> None:
    """Tokens of this project (never their secrets)."""
    from secplan.cli._gov import open_store
    from secplan.human.accounts import list_tokens

    rows = list_tokens(open_store(root))
    emit(rows, fmt, lambda: simple_table(
        "tokens", ["id", "user", "roles", "scope", "state", "expires", "created by"],
        [[t["id"], t["user"], ", ".join(t["roles"] or ["(all)"]), t["scope"], t["state"], t["expires_at"][:10], t["created_by"]]
         for t in rows]))


@tokens.command("revoke")
def revoke(token: str = typer.Argument(..., metavar="ID_OR_TOKEN",
                                       help="The token id (from `secplan tokens list`) or the token itself."),
           root: Path = RootOption) -> None:
    """Revoke a token at once, named by its id or by the token itself (which is never printed)."""
    from secplan.cli._gov import open_store
    from secplan.human.accounts import revoke_token

    token_id = revoke_token(open_store(root), token)
    err_console.print(f"revoked token {token_id}")


def register(app: typer.Typer) -> None:
    app.add_typer(tokens, name="tokens")
