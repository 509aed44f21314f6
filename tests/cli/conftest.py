"""Running the ``secplan`` command in-process, as the console script does."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

import pytest
import typer

from secplan.cli.app import app, main


@dataclass(frozen=True)
class Run:
    code: int
    out: str
    err: str


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str]) -> Callable[..., Run]:
    def run(*args: str) -> Run:
        with pytest.raises(SystemExit) as info:
            main(list(args))
        out, err = capsys.readouterr()
        return Run(int(info.value.code or 0), out, err)

    return run


def leaf_commands() -> Iterator[tuple[tuple[str, ...], object]]:
    """Every visible command of the tree (not the groups, not hidden aliases), with its click command."""
    def walk(command: object, path: tuple[str, ...]) -> Iterator[tuple[tuple[str, ...], object]]:
        subs = getattr(command, "commands", None)
        if subs is None:
            yield path, command
            return
        for name, sub in subs.items():
            if not getattr(sub, "hidden", False):
                yield from walk(sub, (*path, name))

    yield from walk(typer.main.get_command(app), ())
