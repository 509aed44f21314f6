"""The bundled example project, built from scratch and assessed end to end through the CLI."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import jsonschema
import pytest
from typer.testing import CliRunner

from secplan.cli.app import app
from secplan.vocabulary import Status

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "credit-risk"
SARIF_SCHEMA = json.loads((ROOT / "tests" / "report" / "data" / "sarif-2.1.0-rtm.5.json").read_text())
GENERATED = ("data", "models", ".secplan", "report.*")


@pytest.fixture(scope="module")
def example(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("example") / "credit-risk"
    shutil.copytree(EXAMPLE, root, ignore=shutil.ignore_patterns(*GENERATED))
    subprocess.run([sys.executable, str(root / "build.py")], check=True, capture_output=True)
    return root


@pytest.fixture(scope="module")
def reports(example: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("reports")
    paths = {fmt: out / f"report.{suffix}" for fmt, suffix in
             {"json": "json", "sarif": "sarif", "junit": "xml", "html": "html", "markdown": "md"}.items()}
    args = ["assess", str(example), "--format", "json", "-o", str(out / "stdout.json")]
    for path in paths.values():
        args += ["--report", str(path)]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 1, result.output  # the example has open high findings on purpose
    return paths


def test_all_32_controls_with_a_mixed_honest_result(reports):
    doc = json.loads(reports["json"].read_text())
    statuses = [c["status"] for c in doc["controls"]]
    assert len(statuses) == 32 and all(s in set(Status) for s in statuses)
    for wanted in (Status.PASS, Status.FAIL, Status.MANUAL):
        assert wanted in statuses, f"no control is {wanted}"
    assert doc["failed"] is True and doc["score"] is not None
    by_id = {c["id"]: c for c in doc["controls"]}
    assert by_id["PS-7"]["status"] == Status.FAIL  # the Dockerfile runs as root
    assert by_id["PS-4"]["status"] == Status.WAIVED  # the plan's one waiver
    assert [w["state"] for w in doc["waivers"]] == ["active"]


def test_sarif_is_valid_and_points_at_files(reports):
    log = json.loads(reports["sarif"].read_text())
    errors = list(jsonschema.Draft4Validator(SARIF_SCHEMA).iter_errors(log))
    assert not errors, errors[:3]
    uris = {loc["physicalLocation"]["artifactLocation"]["uri"]
            for result in log["runs"][0]["results"] for loc in result.get("locations", [])}
    assert "Dockerfile" in uris


def test_junit_has_a_case_per_control(reports):
    tree = ET.parse(reports["junit"])
    cases = tree.getroot().iter("testcase")
    assert len(list(cases)) == 32


def test_html_and_markdown_are_written(reports):
    html = reports["html"].read_text()
    assert "<html" in html and "DS-1" in html and "HS-5" in html
    assert "PS-7" in reports["markdown"].read_text()


def test_assessment_is_stored_and_recorded(example, reports):
    result = CliRunner().invoke(app, ["history", str(example), "--format", "json"])
    assert result.exit_code == 0, result.output
    assert len(json.loads(result.output)) >= 1
    log = CliRunner().invoke(app, ["audit", "log", "-C", str(example), "--action", "assess", "--format", "json"])
    assert log.exit_code == 0, log.output
    assert "assess.run" in log.output
    assert CliRunner().invoke(app, ["audit", "verify", "-C", str(example)]).exit_code == 0
