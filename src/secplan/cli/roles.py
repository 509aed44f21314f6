"""``secplan roles``: grant and revoke roles per project; define custom roles."""

from __future__ import annotations

from pathlib import Path

import typer

from secplan.cli.common import Format, FormatOption, RootOption, emit, err_console, simple_table

roles = typer.Typer(help="Roles and permissions (viewer, engineer, data-steward, security-officer, admin, custom).",
                    no_args_is_help=True)


@roles.command("grant")
def grant(user: str, role: str, root: Path = RootOption) -> None:
    """Grant ROLE to USER in this project (recorded in the ledger; never to yourself)."""
    from secplan.cli._gov import open_store
    from secplan.human.accounts import grant_role

    grant_role(open_store(root), user, role)
    err_console.print(f"granted {role} to {user}")


@roles.command("revoke")
def revoke(user: str, role: str, root: Path = RootOption) -> None:
    """Revoke ROLE from USER in this project."""
    from secplan.cli._gov import open_store
    from secplan.human.accounts import revoke_role

    revoke_role(open_store(root), user, role)
    err_console.print(f"revoked {role} from {user}")


@roles.command("list")
def list_(fmt: Format = FormatOption, root: Path = RootOption) -> None:
    """Every role and its permissions (action:kind)."""
    from secplan.cli._gov import open_store
    from secplan.human.accounts import list_roles

    rows = list_roles(open_store(root))
    emit(rows, fmt, lambda: simple_table("roles", ["role", "built-in", "permissions"],
                                         [[r["role"], r["builtin"], " ".join(r["permissions"])] for r in rows]))


@roles.command("define")
def define(name: str,
           permission: list[str] = typer.Option(..., "--permission", "-p",
                                                help="action:kind, for example read:model or approve:*. Repeatable."),
           description: str = typer.Option("", "--description"), root: Path = RootOption) -> None:
    """Define (or redefine) a custom role."""
    from secplan.cli._gov import open_store
    from secplan.human.accounts import define_role

    define_role(open_store(root), name, permission, description)
    err_console.print(f"defined role {name}")


def register(app: typer.Typer) -> None:
    app.add_typer(roles, name="roles")
