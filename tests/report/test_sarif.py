"""SARIF: valid against the official 2.1.0 schema and shaped the way GitHub code scanning reads it."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from secplan.assess.interface import ProbeDef
from secplan.assess.result import AssessmentDoc
from secplan.report.sarif import FINGERPRINT_KEY, SarifWriter, artifact_uri, rule_name
from secplan.vocabulary import Outcome, Severity

SCHEMA = json.loads((Path(__file__).parent / "data" / "sarif-2.1.0-rtm.5.json").read_text(encoding="utf-8"))


def render(doc: AssessmentDoc, writer: SarifWriter | None = None) -> dict:
    return json.loads((writer or SarifWriter(probe_lookup=None)).render(doc))


def violations(doc: AssessmentDoc) -> list:
    return [f for c in doc.controls for f in c.findings if f.outcome == Outcome.NEGATIVE]


def test_valid_against_the_official_schema(doc: AssessmentDoc) -> None:
    jsonschema.Draft4Validator.check_schema(SCHEMA)
    errors = sorted(jsonschema.Draft4Validator(SCHEMA).iter_errors(render(doc)), key=str)
    assert errors == []


def test_schema_catches_a_broken_log(doc: AssessmentDoc) -> None:
    log = render(doc)
    log["runs"][0]["results"][0]["level"] = "fatal"
    assert not jsonschema.Draft4Validator(SCHEMA).is_valid(log)


def test_one_run_with_the_tool_driver(doc: AssessmentDoc) -> None:
    log = render(doc)
    assert log["version"] == "2.1.0"
    (run,) = log["runs"]
    driver = run["tool"]["driver"]
    assert driver["name"] == "secplan"
    assert driver["version"] == "0.1.0"
    assert driver["informationUri"].startswith("https://")


def test_one_rule_per_probe_with_violations(doc: AssessmentDoc) -> None:
    rules = render(doc)["runs"][0]["tool"]["driver"]["rules"]
    assert sorted(r["id"] for r in rules) == sorted({f.probe for f in violations(doc)})
    for rule in rules:
        assert rule["shortDescription"]["text"]
        assert rule["fullDescription"]["text"]
        assert "Remediation:" in rule["help"]["text"]
        tags = rule["properties"]["tags"]
        assert "security" in tags
        assert any(t[:3] in ("DS-", "MS-", "PS-", "CS-", "HS-") for t in tags)
        assert 0.0 <= float(rule["properties"]["security-severity"]) <= 10.0


def test_results_cover_open_waived_and_baseline_findings(doc: AssessmentDoc) -> None:
    results = render(doc)["runs"][0]["results"]
    assert len(results) == len(violations(doc))
    by_id = {r["partialFingerprints"][FINGERPRINT_KEY]: r for r in results}
    assert len(by_id) == len(results)
    for finding in violations(doc):
        result = by_id[finding.id]
        assert result["ruleId"] == finding.probe
        assert finding.message in result["message"]["text"]
        if finding.state == "open":
            assert "suppressions" not in result
        else:
            (suppression,) = result["suppressions"]
            assert suppression["kind"] == "external"
            assert suppression["status"] == "accepted"


def test_rule_index_points_at_the_rule(doc: AssessmentDoc) -> None:
    run = render(doc)["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    for result in run["results"]:
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]


def test_levels_follow_severity(doc: AssessmentDoc) -> None:
    results = render(doc)["runs"][0]["results"]
    levels = {r["properties"]["severity"]: r["level"] for r in results}
    assert levels[Severity.CRITICAL] == "error"
    assert levels[Severity.HIGH] == "error"
    assert levels[Severity.MEDIUM] == "warning"
    assert levels[Severity.LOW] == "note"


def test_locations_are_relative_uris_with_lines(doc: AssessmentDoc) -> None:
    results = {r["partialFingerprints"][FINGERPRINT_KEY]: r for r in render(doc)["runs"][0]["results"]}

    def physical(fid: str) -> dict:
        return results[fid]["locations"][0]["physicalLocation"]

    dockerfile = physical("dockerfile-runs-as-root/000000000007")
    assert dockerfile["artifactLocation"] == {"uri": "Dockerfile", "uriBaseId": "%SRCROOT%"}
    assert dockerfile["region"]["startLine"] == 12
    assert (
        physical("sensitive-data-in-clear/000000000002")["artifactLocation"]["uri"]
        == "data/raw%20dump.parquet"
    )
    member = results["k8s-privileged/000000000008"]["locations"][0]["logicalLocations"]
    assert member == [{"name": "spec.containers[0]", "kind": "member"}]


def test_findings_without_a_file_point_at_the_plan(doc: AssessmentDoc) -> None:
    results = {r["partialFingerprints"][FINGERPRINT_KEY]: r for r in render(doc)["runs"][0]["results"]}
    where = results["assessment-cadence/000000000014"]["locations"][0]["physicalLocation"]
    assert where["artifactLocation"]["uri"] == "secplan.yaml"
    assert where["region"]["startLine"] == 1


def test_probe_metadata_feeds_the_rule_when_registered(doc: AssessmentDoc) -> None:
    known = ProbeDef(
        id="unsafe-model-format",
        control="MS-1",
        severity=Severity.CRITICAL,
        title="Model artifacts in pickle-based formats",
        rationale="Loading a pickle runs arbitrary code.",
        implementation="Reads the model scan.",
        remediation="Save the model as safetensors.",
    )
    writer = SarifWriter(probe_lookup=lambda pid: known if pid == known.id else None)
    rules = {r["id"]: r for r in render(doc, writer)["runs"][0]["tool"]["driver"]["rules"]}
    rule = rules["unsafe-model-format"]
    assert rule["shortDescription"]["text"] == known.title
    assert rule["fullDescription"]["text"] == known.rationale
    assert "Save the model as safetensors." in rule["help"]["text"]
    assert rule["properties"]["security-severity"] == "9.5"


def test_default_lookup_uses_the_probe_registry(doc: AssessmentDoc) -> None:
    """With the real registry, unknown probe ids fall back to the control's text (and nothing crashes)."""
    log = json.loads(SarifWriter().render(doc))
    assert jsonschema.Draft4Validator(SCHEMA).is_valid(log)


@pytest.mark.parametrize(
    ("path", "uri"),
    [
        ("a b/c.csv", "a%20b/c.csv"),
        ("dir\\file.py", "dir/file.py"),
        ("/abs/x", "abs/x"),
        ("ü.txt", "%C3%BC.txt"),
    ],
)
def test_artifact_uri(path: str, uri: str) -> None:
    assert artifact_uri(path) == uri


def test_rule_name() -> None:
    assert rule_name("unsafe-model-format") == "UnsafeModelFormat"


def test_no_findings_is_an_empty_valid_run(empty_doc: AssessmentDoc) -> None:
    log = render(empty_doc)
    assert log["runs"][0]["results"] == []
    assert log["runs"][0]["tool"]["driver"]["rules"] == []
    assert jsonschema.Draft4Validator(SCHEMA).is_valid(log)
