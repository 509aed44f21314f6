"""One problem, one rule id and one severity in every command; one SARIF writer behind all of them."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from tests.probes.helpers import make_project

SCHEMA = json.loads((Path(__file__).parent / "data" / "sarif-2.1.0-rtm.5.json").read_text(encoding="utf-8"))
DOCKERFILE = "FROM python:3.11-slim\nRUN pip install flask\nCMD [\"python\", \"app.py\"]\n"
#: A protocol-0 pickle whose GLOBAL is os.system: never loaded, only scanned.
EVIL_PICKLE = b"cos\nsystem\n(S'id'\ntR."
CSV = "name,email\nAda Lovelace,ada@example.org\nAlan Turing,alan@example.net\nGrace Hopper,grace@example.com\n"


def run(capsys: pytest.CaptureFixture[str], *args: object) -> tuple[int, str, str]:
    from secplan.cli.app import main

    capsys.readouterr()
    try:
        main([str(a) for a in args])
        code = 0
    except SystemExit as exc:
        code = int(exc.code or 0)
    out = capsys.readouterr()
    return code, out.out, out.err


@pytest.fixture
def project(project_dir: Path) -> Path:
    return make_project(project_dir, {"Dockerfile": DOCKERFILE, "models/evil.pkl": EVIL_PICKLE})


def valid(log: dict) -> dict:
    errors = sorted(jsonschema.Draft4Validator(SCHEMA).iter_errors(log), key=str)
    assert errors == []
    return log


def by_rule(log: dict) -> dict[str, tuple[str, str]]:
    """rule id -> (security-severity of the rule, level of its first result)."""
    run_ = log["runs"][0]
    rules = {r["id"]: r for r in run_["tool"]["driver"]["rules"]}
    out = {}
    for result in run_["results"]:
        assert rules[result["ruleId"]]["helpUri"].endswith(f"#{result['ruleId']}")
        out.setdefault(result["ruleId"], (result["properties"]["security-severity"], result["level"]))
    return out


def test_a_root_dockerfile_is_one_rule_and_severity_in_platform_scan_and_assess(
        project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _, platform_json, _ = run(capsys, "platform", "scan", project, "--scanners", "config", "-f", "json", "--no-store")
    (root,) = [f for f in json.loads(platform_json)["findings"] if f["path"] == "Dockerfile"
               and "root" in f["message"]]
    _, assess_json, _ = run(capsys, "assess", project, "-f", "json", "--no-store")
    (negative,) = [f for c in json.loads(assess_json)["controls"] for f in c["findings"]
                   if f["outcome"] == "negative" and f["location"] and f["location"]["path"] == "Dockerfile"
                   and "root" in f["message"]]
    assert (root["rule"], root["severity"], root["control"]) == \
           (negative["probe"], negative["severity"], negative["control"]) == ("dockerfile-runs-as-root", "high", "PS-7")

    _, platform_sarif, _ = run(capsys, "platform", "scan", project, "--scanners", "config", "-f", "sarif",
                               "--no-store")
    _, assess_sarif, _ = run(capsys, "assess", project, "-f", "sarif", "--no-store")
    in_platform, in_assess = by_rule(valid(json.loads(platform_sarif))), by_rule(valid(json.loads(assess_sarif)))
    assert in_platform["dockerfile-runs-as-root"] == in_assess["dockerfile-runs-as-root"] == ("8.0", "error")


def test_an_unsafe_pickle_is_one_rule_and_severity_in_model_scan_and_assess(
        project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, model_sarif, _ = run(capsys, "model", "scan", project / "models" / "evil.pkl", "-f", "sarif", "--no-store")
    assert code == 1
    _, assess_sarif, _ = run(capsys, "assess", project, "-f", "sarif", "--no-store")
    in_scan, in_assess = by_rule(valid(json.loads(model_sarif))), by_rule(valid(json.loads(assess_sarif)))
    assert in_scan["pickle-dangerous-global"] == in_assess["pickle-dangerous-global"] == ("9.5", "error")
    result = next(r for r in json.loads(assess_sarif)["runs"][0]["results"] if r["ruleId"] == "pickle-dangerous-global")
    assert result["properties"]["probe"] == "model-artifact-unsafe"


def test_data_classify_writes_sarif_without_the_values(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = tmp_path / "people.csv"
    data.write_text(CSV, encoding="utf-8")
    code, out, _ = run(capsys, "data", "classify", data, "-f", "sarif")
    assert code == 0
    log = valid(json.loads(out))
    results = log["runs"][0]["results"]
    email = next(r for r in results if "email" in r["message"]["text"])
    assert email["ruleId"] == "sensitive-data-in-column" and email["properties"]["control"] == "DS-4"
    assert email["locations"][0]["logicalLocations"] == [{"name": "column email", "kind": "member"}]
    assert "ada@example.org" not in out and "Lovelace" not in out


def test_every_format_option_is_a_choice_from_the_one_vocabulary() -> None:
    import typer.main

    from secplan.cli.app import app
    from secplan.report.formats import OutputFormat
    from secplan.report.writers import FORMATS

    order = [f.value for f in OutputFormat]
    seen: dict[str, list[str]] = {}

    def choices(param: object) -> list[str] | None:
        descriptor = getattr(param, "type_descriptor", None)  # typer's own parameter types
        if descriptor is not None:
            found = list(descriptor.choices) if descriptor.is_choice else None
        else:  # typer on click
            found = list(getattr(param.type, "choices", None) or []) or None  # type: ignore[attr-defined]
        return None if found is None else [str(getattr(c, "value", c)) for c in found]

    def walk(command: object, path: str) -> None:
        for param in command.params:  # type: ignore[attr-defined]
            if "--format" in getattr(param, "opts", []):
                names = choices(param)
                assert names, f"{path}: --format is not an enumerated choice"
                assert names == [n for n in order if n in names], f"{path}: {names} not in the vocabulary's order"
                assert "-f" in param.opts, path
                seen[path] = names
        for name, sub in getattr(command, "commands", {}).items():
            walk(sub, f"{path} {name}")

    walk(typer.main.get_command(app), "secplan")
    assert seen["secplan assess"] == list(FORMATS)
    for command in ("secplan model scan", "secplan platform scan", "secplan data classify"):
        assert seen[command] == ["table", "json", "sarif"], command
    assert len(seen) > 20


def test_an_unknown_format_is_a_usage_error_naming_the_choices(project: Path,
                                                              capsys: pytest.CaptureFixture[str]) -> None:
    for args in (["model", "scan", project / "models" / "evil.pkl"], ["platform", "scan", project],
                 ["assess", project], ["data", "classify", project]):
        code, out, err = run(capsys, *args, "-f", "xml")
        assert code == 2 and out == "", args
        assert "xml" in err and "sarif" in err and "Traceback" not in err, args


NOTEBOOK = {
    "cells": [
        {"cell_type": "markdown", "metadata": {}, "source": ["# Train\n"]},
        {"cell_type": "code", "metadata": {}, "execution_count": 1, "outputs": [],
         "source": ["import torch\n", "model = torch.load('m.pt')\n"]},
    ],
    "metadata": {}, "nbformat": 4, "nbformat_minor": 5,
}


def test_locations_carry_columns_and_notebook_cells(project_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (project_dir / "train.py").write_text("import torch\nnom = 'é'; m = torch.load(p)\n", encoding="utf-8")
    notebook = json.dumps(NOTEBOOK, indent=1)  # as Jupyter writes it: one source line per line of the file
    (project_dir / "train.ipynb").write_text(notebook, encoding="utf-8")
    file_line = next(i for i, x in enumerate(notebook.splitlines(), 1) if "torch.load('m.pt')" in x)
    _, out, _ = run(capsys, "platform", "scan", project_dir, "--scanners", "code", "-f", "json", "--no-store")
    by_path = {f["path"]: f for f in json.loads(out)["findings"] if f["rule"] == "torch-load-unsafe"}
    assert by_path["train.py"]["line"] == 2 and by_path["train.py"]["column"] == 16  # characters, not bytes
    _, out, _ = run(capsys, "platform", "scan", project_dir, "--scanners", "code", "-f", "sarif", "--no-store")
    locations = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]: r["locations"][0]
                 for r in valid(json.loads(out))["runs"][0]["results"]}
    assert locations["train.py"]["physicalLocation"]["region"] == {"startLine": 2, "startColumn": 16}
    cell = locations["train.ipynb"]
    assert cell["physicalLocation"]["region"]["startLine"] == file_line  # the line of the .ipynb, as GitHub shows it
    assert cell["logicalLocations"][0]["name"].startswith("cell 2, line 2")  # the second cell, 1-based


def test_a_path_that_is_not_utf8_is_percent_encoded_as_its_bytes() -> None:
    from secplan.findings import Finding, Location
    from secplan.report.sarif import artifact_uri, build_log
    from secplan.vocabulary import Severity

    odd = b"data/caf\xe9.csv".decode("utf-8", "surrogateescape")
    assert artifact_uri(odd) == "data/caf%E9.csv"
    log = build_log([Finding("sensitive-data-in-column", "DS-4", Severity.HIGH, "m", Location(odd))]).log
    text = json.dumps(log)  # serialisable: no lone surrogate reaches the document
    assert "caf%E9.csv" in text and valid(log)
