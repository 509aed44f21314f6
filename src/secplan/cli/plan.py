"""``secplan plan`` (schema, check) and ``secplan init``."""

from __future__ import annotations

from pathlib import Path

import typer

from secplan.cli.common import err_console, to_json, write_output
from secplan.errors import InputError

plan_app = typer.Typer(help="The plan file: its schema, and checking it.", no_args_is_help=True)


@plan_app.command("schema")
def schema_command(output: Path | None = typer.Option(None, "--output", "-o")) -> None:
    """Print the JSON Schema of secplan.yaml (for editor completion and validation)."""
    from secplan.plan.model import Plan

    schema = Plan.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "secplan plan file (secplan.yaml)"
    write_output(to_json(schema), output)


@plan_app.command("check")
def check_command(directory: Path = typer.Argument(Path("."))) -> None:
    """Validate a project's secplan.yaml; exit 2 with file, line and field on an error."""
    from secplan.plan.loader import load_plan, plan_path

    plan = load_plan(plan_path(directory.resolve()))
    err_console.print(f"ok: {plan.project.name}: {len(plan.assets)} assets, {len(plan.waivers)} waivers")


def init_command(
    directory: Path = typer.Argument(Path("."), help="An existing project."),
    owner: str = typer.Option(None, "--owner", help="Default owner for the project and its assets."),
    force: bool = typer.Option(False, "--force", help="Overwrite an existing secplan.yaml."),
) -> None:
    """Discover a project's assets and write a commented secplan.yaml."""
    from secplan.fsutil import atomic_write_text
    from secplan.identity import current_actor
    from secplan.plan.init import render_plan
    from secplan.plan.loader import parse_plan, plan_path

    root = directory.resolve()
    if not root.is_dir():
        raise InputError(f"{directory}: not a directory")
    target = plan_path(root)
    if target.exists() and not force:
        raise InputError(f"{target} exists; use --force to overwrite it")
    text = render_plan(root, owner or current_actor())
    parse_plan(text, str(target))  # what we write must load
    atomic_write_text(target, text)
    err_console.print(f"wrote {target}")


def register(app: typer.Typer) -> None:
    app.add_typer(plan_app, name="plan")
    app.command("init")(init_command)
