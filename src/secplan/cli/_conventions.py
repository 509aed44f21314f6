"""What every command has in common, applied once to the whole command tree instead of in each
command group: the project given either as ``DIR`` or ``--root/-C``, ``--quiet`` and
``--no-color``, an Examples block, help panels and conventional metavars (``PATH...``, ``TEXT``,
``[table|json]``; flags show none).

Command modules stay unaware of it: ``apply(app)`` rewrites the registered callbacks and help
texts, and ``conventional_help(group)`` adjusts how the built parameters are displayed.
"""

from __future__ import annotations

import datetime as dt
import functools
import inspect
from collections.abc import Callable, Iterator
from enum import Enum
from pathlib import Path
from typing import Any, get_type_hints

import typer
from typer._click.core import Command, Context, ParameterSource
from typer._click.globals import get_current_context
from typer.core import TyperArgument, TyperOption
from typer.models import ArgumentInfo, CommandInfo, OptionInfo

from secplan.cli import common
from secplan.cli._examples import EXAMPLES, PANELS
from secplan.errors import InputError

GLOBAL_PANEL = "Global options"

#: The exit codes every command shares; shown at the end of ``secplan --help``.
EXIT_CODES = (
    "0 ok; 1 open findings at or above --fail-on, or an integrity failure; 2 usage or input error; "
    "3 permission denied; 70 internal error (a bug: report it); 130 interrupted"
)


def _is_root_option(param: inspect.Parameter) -> bool:
    default = param.default
    return param.name == "root" and isinstance(default, OptionInfo) and "--root" in (default.param_decls or ())


def _is_directory_argument(param: inspect.Parameter) -> bool:
    return param.name == "directory" and isinstance(param.default, ArgumentInfo)


def _positional_slots_fixed(params: list[inspect.Parameter]) -> bool:
    """A trailing optional ``DIR`` is unambiguous only after required, single-value arguments."""
    for param in params:
        info = param.default
        if isinstance(info, ArgumentInfo) and (
                info.default is not ... or str(param.annotation).startswith(("list", "tuple"))):
            return False
    return True


def _explicit(name: str) -> bool:
    ctx = get_current_context(silent=True)
    if ctx is None:
        return False
    return ctx.get_parameter_source(name) in {ParameterSource.COMMANDLINE, ParameterSource.ENVIRONMENT}


def _same_place(a: Path, b: Path) -> bool:
    return a.expanduser().resolve() == b.expanduser().resolve()


def _project_argument() -> inspect.Parameter:
    return inspect.Parameter(
        "project_dir", inspect.Parameter.KEYWORD_ONLY, annotation=Path | None,
        default=typer.Argument(None, metavar="DIR", show_default=False,
                               help="The project directory (the same as --root/-C)."),
    )


def _root_option() -> inspect.Parameter:
    return inspect.Parameter(
        "root_option", inspect.Parameter.KEYWORD_ONLY, annotation=Path | None,
        default=typer.Option(None, "--root", "-C", metavar="DIR", show_default=False,
                             help="The project directory (the same as the DIR argument)."),
    )


def _global_options() -> list[inspect.Parameter]:
    return [
        inspect.Parameter("quiet", inspect.Parameter.KEYWORD_ONLY, annotation=bool, default=typer.Option(
            False, "--quiet", "-q", rich_help_panel=GLOBAL_PANEL, help="Only results and errors: no messages.")),
        inspect.Parameter("no_color", inspect.Parameter.KEYWORD_ONLY, annotation=bool, default=typer.Option(
            False, "--no-color", rich_help_panel=GLOBAL_PANEL, help="No colours (NO_COLOR=1 does the same).")),
    ]


def _merge_project(kwargs: dict[str, Any], given_name: str, target: str) -> None:
    """Put the project given the other way into ``target``; both ways at once must agree."""
    given = kwargs.pop(given_name, None)
    if given is None:
        return
    current = kwargs.get(target)
    if _explicit(target) and current is not None and not _same_place(Path(current), Path(given)):
        raise InputError(f"the project is given twice ({current} and {given}); give DIR or --root/-C, not both")
    kwargs[target] = given


def wrap_callback(fn: Callable[..., Any]) -> Callable[..., Any]:
    """``fn`` with the shared parameters added to its signature, handled before ``fn`` runs."""
    signature = inspect.signature(fn, eval_str=True)
    hints = get_type_hints(fn)
    params = [p.replace(annotation=hints.get(p.name, p.annotation)) for p in signature.parameters.values()]
    names = {p.name for p in params}
    extra: list[inspect.Parameter] = []
    merges: list[tuple[str, str]] = []
    if any(_is_root_option(p) for p in params) and _positional_slots_fixed(params) and "project_dir" not in names:
        extra.append(_project_argument())
        merges.append(("project_dir", "root"))
    elif any(_is_directory_argument(p) for p in params) and "root_option" not in names:
        extra.append(_root_option())
        merges.append(("root_option", "directory"))
    if "quiet" not in names and "no_color" not in names:
        extra += _global_options()

    @functools.wraps(fn)
    def wrapper(**kwargs: Any) -> Any:
        common.set_output_style(quiet=kwargs.pop("quiet", False), no_color=kwargs.pop("no_color", False))
        for given, target in merges:
            _merge_project(kwargs, given, target)
        return fn(**kwargs)

    all_params = [p.replace(kind=inspect.Parameter.KEYWORD_ONLY) for p in params] + extra
    wrapper.__signature__ = signature.replace(parameters=all_params)  # type: ignore[attr-defined]
    wrapper.__annotations__ = {p.name: p.annotation for p in all_params}
    wrapper.__annotations__["return"] = hints.get("return", None)
    del wrapper.__wrapped__  # typer must read the new signature, not the original one
    return wrapper


def examples_epilog(path: str) -> str:
    lines = EXAMPLES.get(path, ())
    if not lines:
        return ""
    body = "\n".join(f"  [dim]$[/dim] {typer_escape(line)}" for line in lines)
    return f"[bold]Examples[/bold]\n{body}"


def typer_escape(text: str) -> str:
    from rich.markup import escape

    return escape(text)


def _walk(app: typer.Typer, path: tuple[str, ...]) -> Iterator[tuple[tuple[str, ...], CommandInfo]]:
    for info in app.registered_commands:
        name = info.name or (info.callback.__name__.replace("_", "-") if info.callback else "")
        yield (*path, name), info
    for group in app.registered_groups:
        sub = group.typer_instance
        name = group.name or (sub.info.name if sub is not None else None)
        if sub is not None and name:
            yield from _walk(sub, (*path, name))


def apply(app: typer.Typer) -> None:
    """Give every registered command the shared parameters, its examples and its help panel."""
    for path, info in _walk(app, ()):
        if info.callback is None:
            continue
        info.callback = wrap_callback(info.callback)
        epilog = examples_epilog(" ".join(path))
        if epilog:
            info.epilog = f"{info.epilog}\n\n{epilog}" if info.epilog else epilog
    for info in app.registered_commands:
        info.rich_help_panel = info.rich_help_panel or PANELS.get(info.name or "", "Other")
    for group in app.registered_groups:
        name = group.name or (group.typer_instance.info.name if group.typer_instance else "")
        group.rich_help_panel = group.rich_help_panel or PANELS.get(name or "", "Other")
    # Panels are listed in the order their first command appears.
    order = {panel: n for n, panel in enumerate(dict.fromkeys([*PANELS.values(), "Other"]))}
    app.registered_commands.sort(key=lambda i: order.get(i.rich_help_panel or "Other", len(order)))
    app.registered_groups.sort(key=lambda i: order.get(i.rich_help_panel or "Other", len(order)))


# ---- how built parameters are shown ----------------------------------------------------------

_TYPE_WORDS: dict[type, str] = {str: "TEXT", int: "INTEGER", float: "NUMBER", Path: "PATH",
                                dt.datetime: "DATE", dt.date: "DATE", bool: ""}


def _annotation(param: TyperOption | TyperArgument) -> Any:
    return getattr(param.type_descriptor, "annotation", None)


def _word(param: TyperOption | TyperArgument, ctx: Context) -> str:
    """The conventional metavar of a parameter: a word for its type, or its choices."""
    if param.metavar is not None:
        return param.metavar
    desc = param.type_descriptor
    if getattr(desc, "is_choice", False):
        choices = [c.value if isinstance(c, Enum) else str(c) for c in (desc.choices or ())]
        return "[" + "|".join(choices) + "]"
    annotation = _annotation(param)
    if getattr(desc, "is_list", False) or getattr(desc, "is_tuple", False):
        args = getattr(annotation, "__args__", ()) or (str,)
        annotation = args[0]
    if isinstance(annotation, type) and issubclass(annotation, Enum):
        return "[" + "|".join(str(m.value) for m in annotation) + "]"
    if param.name in {"root", "directory", "project_dir", "root_option"}:
        return "DIR"
    for kind, word in _TYPE_WORDS.items():
        if isinstance(annotation, type) and issubclass(annotation, kind):
            return word
    return "VALUE"


def _variadic(param: TyperOption | TyperArgument) -> bool:
    return param.nargs != 1 or bool(getattr(param, "multiple", False))


class ConventionalOption(TyperOption):
    """An option shown as ``--name TEXT``; a flag shows no metavar; repeatable ones end in ``...``."""

    def display_type_rich(self, ctx: Context) -> str | None:
        if self.is_flag or self.count:
            return None
        word = _word(self, ctx)
        return f"{word}..." if _variadic(self) and not word.endswith("...") else word


class ConventionalArgument(TyperArgument):
    """An argument shown by its metavar (``PATH...``, ``[DIR]``), without a second type column."""

    def _name_word(self) -> str:
        if self.metavar is not None:
            return self.metavar.removesuffix("...")
        annotation = _annotation(self)
        if self.type_descriptor is not None and getattr(self.type_descriptor, "is_list", False):
            annotation = (getattr(annotation, "__args__", ()) or (str,))[0]
        if isinstance(annotation, type) and issubclass(annotation, Path) and self.name not in {"directory"}:
            return "PATH"
        if self.name in {"directory", "project_dir"}:
            return "DIR"
        return (self.name or "value").upper()

    @property
    def display_name_raw(self) -> str:  # type: ignore[override]
        return self._name_word()  # the help panel adds "..." to a variadic one

    def _usage_display_name(self) -> str:
        name = self._name_word() + ("..." if _variadic(self) else "")
        return name if self.required else f"[{name}]"

    def display_type_rich(self, ctx: Context) -> str | None:
        return None


def _conventional(param: Any) -> Any:
    if type(param) is TyperOption:
        param.__class__ = ConventionalOption
    elif type(param) is TyperArgument:
        param.__class__ = ConventionalArgument
    return param


def conventional_help(command: Command) -> None:
    """Show every parameter of ``command`` and its subcommands with conventional metavars."""
    for param in command.params:
        _conventional(param)
    help_option = command.get_help_option  # made on first use, so converted then
    command.get_help_option = lambda ctx: _conventional(help_option(ctx))  # type: ignore[method-assign]
    if hasattr(command, "commands"):
        for sub in command.commands.values():
            conventional_help(sub)
