"""``secplan people``: who reaches the project's assets, their training and screening (HS-1, HS-2)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import typer

from secplan.cli._gov import DATE_FORMATS
from secplan.cli.common import Format, FormatOption, RootOption, emit, emit_record, err_console, simple_table

people = typer.Typer(help="People, training and screening (status and dates only).", no_args_is_help=True)

_D = {"formats": DATE_FORMATS}


def _training(store, name: str, course: str | None, completed: dt.datetime | None,
              expires: dt.datetime | None) -> None:
    from secplan.cli._gov import day
    from secplan.errors import InputError
    from secplan.human.people import add_training

    if course is None and (completed or expires):
        raise InputError("--completed/--training-expires need --training COURSE")
    if course is not None:
        if completed is None:
            raise InputError(f"--training {course!r} needs --completed DATE")
        add_training(store, name, course, day(completed), day(expires))


@people.command("add")
def add(name: str,
        role: str = typer.Option("", "--role", help="Job role (ML engineer, data steward, ...)."),
        email: str | None = typer.Option(None, "--email"),
        asset: list[str] = typer.Option([], "--asset", help="Asset path they can reach. Repeatable."),
        screening: str | None = typer.Option(None, "--screening", help="not_started, in_progress, cleared, adverse."),
        screening_date: dt.datetime | None = typer.Option(None, "--screening-date", **_D),
        screening_level: str | None = typer.Option(None, "--screening-level", help="basic, standard, enhanced."),
        training: str | None = typer.Option(None, "--training", help="A completed course."),
        completed: dt.datetime | None = typer.Option(None, "--completed", **_D),
        training_expires: dt.datetime | None = typer.Option(None, "--training-expires", **_D),
        root: Path = RootOption) -> None:
    """Add a person to the register."""
    from secplan.cli._gov import day, open_store
    from secplan.human.people import add_person

    store = open_store(root)
    add_person(store, name, role=role, email=email, assets=asset, screening=screening,
               screening_date=day(screening_date), screening_level=screening_level)
    _training(store, name, training, completed, training_expires)
    err_console.print(f"added {name}")


@people.command("update")
def update(name: str,
           role: str | None = typer.Option(None, "--role"), email: str | None = typer.Option(None, "--email"),
           asset: list[str] = typer.Option([], "--asset", help="Add access to an asset path. Repeatable."),
           remove_asset: list[str] = typer.Option([], "--remove-asset", help="Remove access. Repeatable."),
           screening: str | None = typer.Option(None, "--screening"),
           screening_date: dt.datetime | None = typer.Option(None, "--screening-date", **_D),
           screening_level: str | None = typer.Option(None, "--screening-level"),
           training: str | None = typer.Option(None, "--training", help="Record a completed course."),
           completed: dt.datetime | None = typer.Option(None, "--completed", **_D),
           training_expires: dt.datetime | None = typer.Option(None, "--training-expires", **_D),
           root: Path = RootOption) -> None:
    """Change a person's role, access or screening, or record a training."""
    from secplan.cli._gov import day, open_store
    from secplan.human.people import update_person

    store = open_store(root)
    update_person(store, name, role=role, email=email, add_assets=asset, remove_assets=remove_asset,
                  screening=screening, screening_date=day(screening_date), screening_level=screening_level)
    _training(store, name, training, completed, training_expires)
    err_console.print(f"updated {name}")


@people.command("list")
def list_(fmt: Format = FormatOption, root: Path = RootOption) -> None:
    """Everyone in the register."""
    from secplan.cli._gov import open_store
    from secplan.human.people import list_people

    rows = list_people(open_store(root))
    emit(rows, fmt, lambda: simple_table(
        "people", ["name", "role", "assets", "screening", "latest training"],
        [[p["name"], p["role"], ", ".join(p["assets"]),
          f"{p['screening']['status']} {p['screening']['level'] or ''} {p['screening']['date'] or ''}".strip(),
          (f"{p['training'][-1]['course']} (expires {p['training'][-1]['expires'] or '-'})" if p["training"] else "")]
         for p in rows]))


@people.command("show")
def show(name: str, fmt: Format = FormatOption, root: Path = RootOption) -> None:
    """One person's record: role, assets, training, screening."""
    from secplan.cli._gov import open_store
    from secplan.human.people import show_person

    emit_record(show_person(open_store(root), name), fmt, name)


def register(app: typer.Typer) -> None:
    app.add_typer(people, name="people")
