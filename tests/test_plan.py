import json

import pytest
from typer.testing import CliRunner

from secplan.cli.app import app
from secplan.errors import PlanError
from secplan.plan.loader import load_plan, parse_plan

GOOD = """version: 1
project:
  name: p
  owners: [a@example.com]
assets:
  - path: data/x.csv
    classification: restricted
waivers:
  - target: PS-2
    reason: r
    approver: b@example.com
    expires: 2027-01-01
"""


def test_good_plan_loads_with_defaults():
    plan = parse_plan(GOOD)
    assert plan.assets[0].classification == "restricted"
    assert plan.policy.patch.sla_days["critical"] == 15
    assert plan.waivers[0].expires.year == 2027


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (GOOD.replace("classification: restricted", "classification: secret"), "secplan.yaml:7: assets.0.classification"),
        (GOOD.replace("    reason: r\n", ""), "secplan.yaml:9: waivers.0.reason: Field required"),
        (GOOD.replace("  owners:", "  ownerz:"), "secplan.yaml:4: project.ownerz: Extra inputs"),
        (GOOD.replace("expires: 2027-01-01", "expires: soon"), "secplan.yaml:12: waivers.0.expires"),
        ("project: [\n", "secplan.yaml:2: the plan is not valid YAML"),
        ("- just a list\n", "secplan.yaml:1: the plan must be a mapping"),
    ],
)
def test_errors_name_file_line_and_field(text, expected):
    with pytest.raises(PlanError) as info:
        parse_plan(text, "secplan.yaml")
    assert expected in info.value.message


def test_missing_plan_is_a_plan_error(tmp_path):
    with pytest.raises(PlanError, match="no plan file"):
        load_plan(tmp_path / "secplan.yaml")


def test_cli_exits_2_on_a_bad_plan_without_traceback(tmp_path):
    (tmp_path / "secplan.yaml").write_text(GOOD.replace("name: p", "name: [1, 2]"))
    result = CliRunner().invoke(app, ["plan", "check", str(tmp_path)])
    assert result.exit_code == 2
    assert "project.name" in result.output and "Traceback" not in result.output
    result = CliRunner().invoke(app, ["assess", str(tmp_path)])
    assert result.exit_code == 2


def test_schema_command_prints_a_json_schema():
    result = CliRunner().invoke(app, ["plan", "schema"])
    assert result.exit_code == 0
    schema = json.loads(result.output)
    assert "project" in schema["properties"] and schema["required"] == ["project"]


def test_init_discovers_assets_and_writes_a_loadable_plan(tmp_path):
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "train.csv").write_text("a,b\n1,2\n")
    (tmp_path / "model.pkl").write_bytes(b"\x80\x04N.")
    (tmp_path / "requirements.txt").write_text("numpy\n")
    runner = CliRunner()
    result = runner.invoke(app, ["init", str(tmp_path), "--owner", "me@example.com"])
    assert result.exit_code == 0, result.output
    plan = load_plan(tmp_path / "secplan.yaml")
    assert {a.path: a.kind for a in plan.assets} == {"data/train.csv": "dataset", "model.pkl": "model",
                                                    "requirements.txt": "dependencies"}
    assert "# classification:" in (tmp_path / "secplan.yaml").read_text()
    assert runner.invoke(app, ["init", str(tmp_path)]).exit_code == 2  # refuses to overwrite


def test_every_yaml_input_reports_file_line_and_field(tmp_path):
    """Anonymisation policies, validation rules and scan policies fail like the plan does."""
    from secplan.data.anonymize.policy import load_policy
    from secplan.data.validate.rules import load_rules
    from secplan.errors import InputError
    from secplan.model.scan.policy import load_policy as load_scan_policy

    bad = tmp_path / "bad.yaml"
    bad.write_text("version: 1\nnot_a_setting: 3\n")
    for loader in (load_policy, load_rules, load_scan_policy):
        with pytest.raises(InputError) as info:
            loader(bad)
        assert f"{bad}:2: not_a_setting" in info.value.message, loader
