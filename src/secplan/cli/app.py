"""The ``secplan`` command. Command groups are modules of this package that define
``register(app)``; this module only wires them together and turns errors into exit codes."""

from __future__ import annotations

import importlib
import os
import pkgutil
import sys

import click
import typer
from rich.markup import escape

from secplan import __version__
from secplan.cli.common import err_console
from secplan.errors import SecplanError

app = typer.Typer(
    name="secplan",
    help="Turn your ML security plan into working software: enforce, verify and report its 32 controls.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode="rich",
)


def _version(value: bool) -> None:
    if value:
        print(f"secplan {__version__}")
        raise typer.Exit(0)


@app.callback()
def _root(
    version: bool = typer.Option(False, "--version", callback=_version, is_eager=True, help="Show the version."),
) -> None:
    """secplan: assess an ML project against the plan, and enforce what software can enforce."""


def _register_groups() -> None:
    package = importlib.import_module("secplan.cli")
    for info in sorted(pkgutil.iter_modules(package.__path__), key=lambda i: i.name):
        if info.name in {"app", "common"} or info.name.startswith("_"):
            continue
        module = importlib.import_module(f"secplan.cli.{info.name}")
        register = getattr(module, "register", None)
        if register is not None:
            register(app)


_register_groups()


def main(argv: list[str] | None = None) -> None:
    """Entry point: exit 0 ok, 1 findings or integrity failure, 2 usage or input error, 3 denied."""
    try:
        result = app(args=argv, prog_name="secplan", standalone_mode=False)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except click.exceptions.Abort:
        err_console.print("aborted")
        sys.exit(130)
    except click.ClickException as exc:
        exc.show()
        sys.exit(2)
    except SecplanError as exc:
        err_console.print(f"[red]error:[/red] {escape(exc.message)}", highlight=False)
        if exc.hint:
            err_console.print(f"hint: {escape(exc.hint)}", highlight=False)
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        err_console.print("interrupted")
        sys.exit(130)
    except Exception as exc:
        if os.environ.get("SECPLAN_DEBUG"):
            raise
        err_console.print(
            f"[red]internal error:[/red] {escape(type(exc).__name__)}: {escape(str(exc))}\n"
            "run again with SECPLAN_DEBUG=1 for details, and report it if it persists",
            highlight=False,
        )
        sys.exit(70)
    sys.exit(result if isinstance(result, int) else 0)
