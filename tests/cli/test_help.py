"""Help that teaches: every command answers -h with examples and conventional metavars, the
top-level commands are grouped, and the exit codes are documented."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

from secplan.cli._examples import EXAMPLES
from tests.cli.conftest import leaf_commands

COMMANDS = [path for path, _ in leaf_commands()]
# Typer's own type labels (<bool>, <path>, <list[Path]>, <table|json>) and the {braces} it puts
# around required arguments are not what people know from other command-line tools.
UNCONVENTIONAL = re.compile(r"<(?:bool|str|int|float|path|datetime|[\w-]+(?:\|[\w-]+)+)>|\{\w+\}|\blist\[")


def test_the_tree_is_large() -> None:
    assert len(COMMANDS) > 70


@pytest.mark.parametrize("path", COMMANDS, ids=" ".join)
def test_every_command_help_has_examples_and_conventional_metavars(cli, path: tuple[str, ...]) -> None:
    result = cli(*path, "-h")
    assert result.code == 0, result.err
    text = result.out
    assert "Examples" in text, f"secplan {' '.join(path)}: no Examples block (add it to cli/_examples.py)"
    for line in EXAMPLES[" ".join(path)]:
        assert line.startswith(f"secplan {path[0]}"), line
    found = UNCONVENTIONAL.findall(text)
    assert not found, f"secplan {' '.join(path)} --help shows {found}"
    assert "--quiet" in text and "--no-color" in text


def test_examples_name_only_real_commands() -> None:
    known = {" ".join(p) for p in COMMANDS}
    planned = {"serve", "monitor"}  # commands being added; examples wait for them
    assert set(EXAMPLES) - known <= planned


def test_top_level_help_groups_commands_and_documents_exit_codes(cli) -> None:
    text = cli("-h").out
    panels = [m for m in re.findall(r"[╭+]─ (\w[\w ]*?) ─", text)]
    assert panels[:5] == ["Options", "Assess", "Enforce", "Records", "Audit"], panels
    enforce = text.split("Enforce")[1].split("Records")[0]
    for name in ("encrypt", "keys", "model", "data", "platform"):
        assert re.search(rf"│ {name}\s", enforce), name
    records = text.split("Records")[1].split("Audit")[0]
    for name in ("people", "vendors", "incident", "request", "approve", "attestations"):
        assert re.search(rf"│ {name}\s", records), name
    assert "Other" not in panels
    assert "70 internal error" in text and "130 interrupted" in text


def test_variadic_argument_is_shown_as_path_dots(cli) -> None:
    text = cli("encrypt", "-h").out
    assert "Usage: secplan encrypt [OPTIONS] PATH..." in text
    assert re.search(r"--in-place\s{2,}Replace", text)  # a flag has no metavar
    assert re.search(r"--format\s+-f\s+\[table\|json\]", text)


def test_help_in_a_real_process_with_short_option() -> None:
    done = subprocess.run([sys.executable, "-m", "secplan", "keys", "list", "-h"], capture_output=True,
                          text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    assert "Usage: secplan keys list [OPTIONS] [DIR]" in done.stdout
