"""``secplan users``: the identities that may act on the project."""

from __future__ import annotations

from pathlib import Path

import typer

from secplan.cli.common import Format, FormatOption, RootOption, emit, err_console, simple_table

users = typer.Typer(help="Users who may act on the project (DS-3, PS-3).", no_args_is_help=True)


@users.command("add")
def add(name: str = typer.Argument(..., help="User name (letters, digits, . _ @ + -)."),
        email: str | None = typer.Option(None, "--email"), root: Path = RootOption) -> None:
    """Add a user (administer permission). Grant roles with `secplan roles grant`."""
    from secplan.cli._gov import open_store
    from secplan.human.accounts import add_user

    add_user(open_store(root), name, email)
    err_console.print(f"added user {name}")


@users.command("list")
def list_(fmt: Format = FormatOption, root: Path = RootOption) -> None:
    """Users with their roles in this project."""
    from secplan.cli._gov import open_store
    from secplan.human.accounts import list_users

    rows = list_users(open_store(root))
    emit(rows, fmt, lambda: simple_table("users", ["name", "email", "roles", "disabled"],
                                         [[u["name"], u["email"], ", ".join(u["roles"]), u["disabled"]] for u in rows]))


@users.command("disable")
def disable(name: str, root: Path = RootOption) -> None:
    """Disable a user: their tokens and roles stop working at once; their history stays."""
    from secplan.cli._gov import open_store
    from secplan.human.accounts import disable_user

    disable_user(open_store(root), name)
    err_console.print(f"disabled user {name}")


def register(app: typer.Typer) -> None:
    app.add_typer(users, name="users")
