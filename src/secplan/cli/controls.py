"""``secplan controls``: the plan's control catalogue and its framework mappings."""

from __future__ import annotations

from dataclasses import asdict

import typer

from secplan.cli.common import Format, FormatOption, emit, simple_table
from secplan.errors import InputError
from secplan.plan.catalogue import FRAMEWORK_COLUMNS, FRAMEWORK_TITLES, load_catalogue
from secplan.vocabulary import Pillar


def controls_command(
    pillar: Pillar | None = typer.Option(None, "--pillar", help="Only this pillar (DS, MS, PS, CS, HS)."),
    framework: str | None = typer.Option(None, "--framework", help="Show the items of this framework: "
                                         + ", ".join(FRAMEWORK_COLUMNS)),
    fmt: Format = FormatOption,
) -> None:
    """List the plan's controls, what each asks and how secplan checks it."""
    if framework and framework not in FRAMEWORK_COLUMNS:
        raise InputError(f"unknown framework {framework!r}; choose one of {', '.join(FRAMEWORK_COLUMNS)}")
    controls = [c for c in load_catalogue() if pillar is None or c.pillar == pillar]
    data = []
    for c in controls:
        item = asdict(c)
        item["frameworks"] = {k: list(v) for k, v in c.frameworks.items()}
        if framework:
            item["frameworks"] = {framework: item["frameworks"][framework]}
        data.append(item)

    def table():
        if framework:
            return simple_table(FRAMEWORK_TITLES[framework], ["id", "control", framework],
                                [(c.id, c.title, ", ".join(c.frameworks[framework]) or "—") for c in controls])
        return simple_table("Controls", ["id", "pillar", "control", "secplan checks"],
                            [(c.id, c.pillar.title, c.title, c.checks) for c in controls])

    emit(data, fmt, table)


def register(app: typer.Typer) -> None:
    app.command("controls")(controls_command)
