"""``secplan plan`` (schema, check) and ``secplan init``."""

from __future__ import annotations

import contextlib
from pathlib import Path

import typer

from secplan.cli.common import err_console, output_option, to_json, write_output
from secplan.errors import InputError, SecplanError

plan_app = typer.Typer(help="The plan file: its schema, and checking it.", no_args_is_help=True)


@plan_app.command("schema")
def schema_command(output: Path | None = output_option()) -> None:
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


def detected_classifications(root: Path) -> dict[str, str]:
    """Asset path -> the level ``data classify`` finds in a sample of each discovered dataset, for
    datasets where it finds something above public (an unreadable one is left to the owner)."""
    from secplan.assess.discover import discover
    from secplan.data.classify.engine import ClassifyOptions, classify_dataset
    from secplan.vocabulary import AssetKind, Classification

    found: dict[str, str] = {}
    options = ClassifyOptions()
    for item in discover(root):
        if item.kind is not AssetKind.DATASET:
            continue
        try:
            level = classify_dataset(root / item.path, options).classification
        except SecplanError:
            continue
        if level is not Classification.PUBLIC:
            found[item.path] = level.value
    return found


def starting_plan(root: Path, owner: str | None = None, project_id: str | None = None) -> str:
    """The plan ``secplan init`` writes for ``root`` (and ``assess`` uses when there is none)."""
    from secplan.identity import current_actor
    from secplan.plan.init import render_plan

    return render_plan(root, owner or current_actor(), detected_classifications(root), project_id)


def next_steps(directory: Path) -> list[str]:
    """The three commands a newcomer runs after ``init``."""
    where = "" if directory == Path(".") else f" {directory}"
    return [f"secplan plan check{where}", f"secplan assess{where} --report report.html",
            f"secplan assess{where} --fail-on high --report report.sarif   # the CI gate"]


def init_command(
    directory: Path = typer.Argument(Path("."), help="An existing project."),
    owner: str = typer.Option(None, "--owner", help="Default owner for the project and its assets."),
    force: bool = typer.Option(False, "--force", help="Overwrite an existing secplan.yaml."),
) -> None:
    """Discover a project's assets and write a commented secplan.yaml."""
    from secplan.fsutil import atomic_write_text
    from secplan.plan.loader import parse_plan, plan_path

    root = directory.resolve()
    if not root.is_dir():
        raise InputError(f"{directory}: not a directory")
    target = plan_path(root)
    if target.exists() and not force:
        raise InputError(f"{target} exists; use --force to overwrite it")
    previous = None
    if target.exists():
        from secplan.projects import declared_project

        with contextlib.suppress(SecplanError):
            previous = (declared_project(root) or (None, ""))[0]  # --force keeps the project's identity
    text = starting_plan(root, owner, previous)
    parse_plan(text, str(target))  # what we write must load
    atomic_write_text(target, text)
    err_console.print(f"wrote {target}; next:", highlight=False)
    for step in next_steps(directory):
        err_console.print(f"  {step}", highlight=False, markup=False)


def register(app: typer.Typer) -> None:
    app.add_typer(plan_app, name="plan")
    app.command("init")(init_command)
