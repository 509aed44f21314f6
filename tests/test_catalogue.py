import json

from typer.testing import CliRunner

from secplan.assess.registry import all_probes
from secplan.cli.app import app
from secplan.plan.catalogue import load_catalogue
from secplan.vocabulary import Pillar


def test_thirty_two_controls_in_plan_order_with_mappings():
    controls = load_catalogue()
    assert len(controls) == 32
    assert [c.id for c in controls][:2] == ["DS-1", "DS-2"] and controls[-1].id == "HS-5"
    assert {c.pillar for c in controls} == set(Pillar)
    ds1 = controls[0]
    assert ds1.frameworks["nist-ai-rmf"] == ("MS-2.7", "MS-2.10")
    assert ds1.frameworks["mitre-atlas"] == ("M0012",)
    assert controls[3].frameworks["owasp-ml"] == ()  # "—" means no item
    assert all(c.asks and c.why and c.checks for c in controls)


def test_every_control_has_a_probe_and_probe_metadata_is_complete():
    probes = all_probes()
    assert {p.definition.control for p in probes} == {c.id for c in load_catalogue()}
    for probe in probes:
        d = probe.definition
        assert d.rationale and d.implementation and d.remediation, d.id


def test_controls_command_filters_and_prints_json():
    result = CliRunner().invoke(app, ["controls", "--pillar", "HS", "--framework", "eu-ai-act", "--format", "json"])
    assert result.exit_code == 0
    data = json.loads(result.output)
    assert [c["id"] for c in data] == ["HS-1", "HS-2", "HS-3", "HS-4", "HS-5"]
    assert data[2]["frameworks"] == {"eu-ai-act": ["20", "73"]}


def test_unknown_framework_is_a_usage_error():
    assert CliRunner().invoke(app, ["controls", "--framework", "sox"]).exit_code == 2
