"""The ``secplan`` command. Command groups are modules of this package that define
``register(app)``; this module only wires them together and turns errors into exit codes."""

from __future__ import annotations

import importlib
import os
import pkgutil
import sys
import warnings

import typer
from rich.markup import escape
from typer._click.exceptions import ClickException  # typer vendors click; these are its classes
from typer.core import TyperGroup

from secplan import __version__
from secplan.cli import _conventions
from secplan.cli.common import error_console, set_output_style
from secplan.errors import SecplanError, SecplanWarning
from secplan.fsutil import safe_text


def report_error(exc: BaseException) -> int:
    """Print an error the way users see every error (no traceback) and return its exit code."""
    if isinstance(exc, SecplanError):
        error_console.print(f"[red]error:[/red] {escape(safe_text(exc.message))}", highlight=False, soft_wrap=True)
        if exc.hint:
            error_console.print(f"hint: {escape(safe_text(exc.hint))}", highlight=False, soft_wrap=True)
        return exc.exit_code
    if isinstance(exc, KeyboardInterrupt):
        error_console.print("interrupted")
        return 130
    error_console.print(
        f"[red]internal error:[/red] {escape(type(exc).__name__)}: {escape(safe_text(str(exc)))}\n"
        "run again with SECPLAN_DEBUG=1 for details, and report it if it persists",
        highlight=False,
        soft_wrap=True,
    )
    return 70


def _show_warning(message, category, filename, lineno, file=None, line=None) -> None:
    """secplan's own warnings read like its errors (``warning: ...``); others keep Python's format."""
    if issubclass(category, SecplanWarning):
        error_console.print(f"[yellow]warning:[/yellow] {escape(str(message))}", highlight=False, soft_wrap=True)
    else:
        _python_showwarning(message, category, filename, lineno, file, line)


_python_showwarning = warnings.showwarning


class SecplanGroup(TyperGroup):
    """The root group: turns every error raised by a command into a message and an exit code, so
    that the console script, ``python -m secplan`` and tests invoking the app all behave alike."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        _conventions.conventional_help(self)

    def invoke(self, ctx: typer.Context):
        warnings.showwarning = _show_warning
        try:
            return super().invoke(ctx)
        except (typer.Exit, typer.Abort, ClickException):
            raise
        except (SecplanError, KeyboardInterrupt) as exc:
            raise typer.Exit(report_error(exc)) from None
        except Exception as exc:
            if os.environ.get("SECPLAN_DEBUG"):
                raise
            raise typer.Exit(report_error(exc)) from None


app = typer.Typer(
    cls=SecplanGroup,
    name="secplan",
    help="Turn your ML security plan into working software: enforce, verify and report its 32 controls.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode="rich",
    context_settings={"help_option_names": ["-h", "--help"]},
    epilog=f"[bold]Exit codes[/bold]: {_conventions.EXIT_CODES}.\n\n"
           "Every command takes -h, --quiet and --no-color; a project is given as DIR or --root/-C DIR.",
)


def _version(value: bool) -> None:
    if value:
        print(f"secplan {__version__}")
        raise typer.Exit(0)


@app.callback()
def _root(
    version: bool = typer.Option(False, "--version", callback=_version, is_eager=True, help="Show the version."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="Only results and errors: no messages."),
    no_color: bool = typer.Option(False, "--no-color", help="No colours (NO_COLOR=1 does the same)."),
) -> None:
    """secplan: assess an ML project against the plan, and enforce what software can enforce."""
    set_output_style(quiet=quiet, no_color=no_color, reset=True)


def _register_groups() -> None:
    package = importlib.import_module("secplan.cli")
    for info in sorted(pkgutil.iter_modules(package.__path__), key=lambda i: i.name):
        if info.name in {"app", "common"} or info.name.startswith("_"):
            continue
        module = importlib.import_module(f"secplan.cli.{info.name}")
        register = getattr(module, "register", None)
        if register is not None:
            register(app)
    _conventions.apply(app)


_register_groups()


def main(argv: list[str] | None = None) -> None:
    """Entry point: exit 0 ok, 1 findings or integrity failure, 2 usage or input error, 3 denied."""
    try:
        result = app(args=argv, prog_name="secplan", standalone_mode=False)
    except typer.Exit as exc:
        sys.exit(exc.exit_code)
    except typer.Abort:
        error_console.print("aborted")
        sys.exit(130)
    except ClickException as exc:
        exc.show()
        sys.exit(2)
    except (SecplanError, KeyboardInterrupt) as exc:  # raised while parsing, before a command runs
        sys.exit(report_error(exc))
    sys.exit(result if isinstance(result, int) else 0)
