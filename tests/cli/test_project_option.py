"""The project is given the same way everywhere: a DIR argument or --root/-C."""

from __future__ import annotations

from pathlib import Path

from tests.cli.conftest import leaf_commands


def _params(command: object) -> tuple[set[str], list[str]]:
    options = {o for p in command.params if p.param_type_name == "option" for o in p.opts}
    arguments = [p.name for p in command.params if p.param_type_name == "argument"]
    return options, arguments


def test_every_command_with_a_project_takes_both_forms() -> None:
    checked = 0
    for path, command in leaf_commands():
        options, arguments = _params(command)
        if "--root" in options or "directory" in arguments:
            checked += 1
            assert "-C" in options, path
            variadic = any(p.nargs != 1 for p in command.params if p.param_type_name == "argument")
            optional_first = any(p.param_type_name == "argument" and not p.required and p.name != "project_dir"
                                 and p.name != "directory" for p in command.params)
            if not variadic and not optional_first:
                assert "project_dir" in arguments or "directory" in arguments, path
    assert checked > 60


def test_keys_list_takes_a_positional_project(cli, tmp_path: Path) -> None:
    by_argument = cli("keys", "list", str(tmp_path), "--format", "json")
    by_option = cli("keys", "list", "-C", str(tmp_path), "--format", "json")
    assert by_argument.code == by_option.code == 0, by_argument.err + by_option.err
    assert by_argument.out == by_option.out


def test_assess_takes_root_option(cli, tmp_path: Path) -> None:
    (tmp_path / "requirements.txt").write_text("requests==2.32.3\n")
    result = cli("assess", "-C", str(tmp_path), "--no-store", "--format", "json")
    assert result.code in (0, 1), result.err
    assert '"controls"' in result.out


def test_two_different_projects_is_a_usage_error(cli, tmp_path: Path) -> None:
    other = tmp_path / "other"
    other.mkdir()
    result = cli("keys", "list", str(tmp_path), "-C", str(other))
    assert result.code == 2
    assert "the project is given twice" in result.err
    assert "Traceback" not in result.err
