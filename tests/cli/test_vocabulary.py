"""One vocabulary across commands: a short flag means one thing everywhere, old spellings are
hidden aliases that still work with a note, and one flag keeps results in the store."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import pytest

from tests.cli.conftest import leaf_commands


def _options():
    for path, command in leaf_commands():
        for param in command.params:
            if getattr(param, "param_type_name", "") == "option":
                yield " ".join(path), param


def test_a_short_flag_has_one_meaning_everywhere() -> None:
    meanings: dict[str, set[str]] = defaultdict(set)
    for _, option in _options():
        longs = sorted(o for o in option.opts if o.startswith("--"))
        for short in (o for o in option.opts if not o.startswith("--")):
            meanings[short].add(longs[0] if longs else short)
    assert meanings["-f"] == {"--format"}
    clashes = {short: sorted(names) for short, names in meanings.items() if len(names) > 1}
    assert clashes == {}


def test_old_spellings_are_hidden_and_one_flag_keeps_results() -> None:
    visible: dict[str, set[str]] = defaultdict(set)
    for command, option in _options():
        if not option.hidden:
            for name in option.opts + option.secondary_opts:
                visible[name].add(command)
    assert "--record" not in visible and "--baseline" not in visible and "--write-baseline" not in visible
    assert {"assess", "model scan", "platform scan"} <= visible["--store"]
    assert visible["--secrets-baseline"] == {"platform scan"} and visible["--previous-report"] == {"assess"}


def test_old_spelling_still_works_with_a_note(cli, tmp_path: Path) -> None:
    (tmp_path / "Dockerfile").write_text("FROM python:3.12-slim\nUSER app\n")
    new = cli("platform", "scan", str(tmp_path), "--scanners", "config", "--no-store", "-f", "json")
    old = cli("platform", "scan", str(tmp_path), "--scanners", "config", "--no-record", "-f", "json")
    assert new.code == old.code == 0 and new.out == old.out
    assert "note: --record is deprecated; use --store" in old.err and "deprecated" not in new.err
    both = cli("platform", "scan", str(tmp_path), "--store", "--record")
    assert both.code == 2 and "give only --store" in both.err


@pytest.mark.parametrize("spelling", ["anonymize", "anonymise"])
def test_both_spellings_of_anonymise(cli, spelling: str) -> None:
    result = cli("data", spelling, "-h")
    assert result.code == 0 and "--policy" in result.out
