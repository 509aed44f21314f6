"""`secplan platform scan`: JSON shape, SARIF validity, exit codes and --fail-on, usage and input errors."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

SARIF_SCHEMA = Path(__file__).resolve().parents[1] / "report" / "data" / "sarif-2.1.0-rtm.5.json"
KEYS = {"rule", "category", "severity", "path", "line", "package", "version", "advisories", "message"}


@pytest.fixture
def demo(project_dir: Path, write) -> Path:
    write("requirements.txt", "pyyaml==5.3\nrequests==2.31.0\njinja2>=3\n")
    write("Dockerfile", "FROM python:3.12-slim\nUSER 1000\nCMD [\"tensorboard\", \"--logdir\", \"r\", \"--bind_all\"]\n")
    write("train.py", "import pickle\nmodel = pickle.load(open('m.pkl', 'rb'))\n")
    return project_dir


def test_json_document(demo: Path, cli) -> None:
    r = cli("platform", "scan", demo, "-f", "json")
    assert r.code == 1  # pickle.load is high
    doc = r.json()
    assert doc["files_scanned"] == 3 and doc["dependencies"] == 3 and "fixture.json" in doc["osv_database"]
    by_rule: dict[str, list[dict]] = {}
    for f in doc["findings"]:
        assert f.keys() >= KEYS and f["category"] in {"vulnerability", "secret", "config", "code"}
        by_rule.setdefault(f["rule"], []).append(f)
    vulns = by_rule["vulnerable-dependency"]
    assert {tuple(v["advisories"][:1]) for v in vulns} == {("PYSEC-2020-96",), ("PYSEC-2021-142",)}
    assert all(v["package"] == "pyyaml" and v["version"] == "5.3" and v["line"] == 1 for v in vulns)
    assert by_rule["unpinned-requirement"][0]["package"] == "jinja2"
    assert by_rule["tensorboard-bind-all"][0]["path"] == "Dockerfile"
    assert by_rule["pickle-load"][0]["line"] == 2


def test_fail_on_threshold(demo: Path, cli) -> None:
    assert cli("platform", "scan", demo, "--fail-on", "critical").code == 0
    assert cli("platform", "scan", demo, "--fail-on", "high").code == 1
    assert cli("platform", "scan", demo, "--scanners", "vuln", "--fail-on", "high").code == 0
    assert cli("platform", "scan", demo, "--scanners", "vuln", "--fail-on", "medium").code == 1


def test_sarif_is_valid_and_complete(demo: Path, cli, tmp_path: Path) -> None:
    out = tmp_path / "scan.sarif"
    r = cli("platform", "scan", demo, "-f", "sarif", "-o", out)
    assert r.code == 1 and r.out == ""
    doc = json.loads(out.read_text())
    schema = json.loads(SARIF_SCHEMA.read_text())
    assert list(jsonschema.Draft4Validator(schema).iter_errors(doc)) == []
    results = doc["runs"][0]["results"]
    rules = doc["runs"][0]["tool"]["driver"]["rules"]
    assert {res["ruleId"] for res in results} == {r["id"] for r in rules}
    assert all(rules[res["ruleIndex"]]["id"] == res["ruleId"] for res in results)
    prints = [res["partialFingerprints"]["secplanFinding/v1"] for res in results]
    assert len(set(prints)) == len(prints)
    (demo / "requirements.txt").write_text("# moved down a line\n" + (demo / "requirements.txt").read_text())
    cli("platform", "scan", demo, "-f", "sarif", "-o", out)
    moved = json.loads(out.read_text())["runs"][0]["results"]
    assert sorted(res["partialFingerprints"]["secplanFinding/v1"] for res in moved) == sorted(prints)


def test_usage_and_input_errors_exit_2_without_traceback(demo: Path, cli, tmp_path: Path) -> None:
    for args in (["platform", "scan", tmp_path / "missing"], ["platform", "scan", demo, "--fail-on", "severe"],
                 ["platform", "scan", demo, "--scanners", "vuln,nope"],
                 ["platform", "scan", demo, "--osv-db", tmp_path / "nope.zip"]):
        r = cli(*args)
        assert r.code == 2, args
        assert "Traceback" not in r.err and r.out == ""


def test_table_output_lists_findings(demo: Path, cli) -> None:
    r = cli("platform", "scan", demo)
    assert r.code == 1 and "pickle-load" in r.out and "PS-1" in r.out


def test_scan_uses_the_env_database(demo: Path, cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    empty_db = tmp_path / "osv.jsonl"
    empty_db.write_text(json.dumps({"id": "X-1", "affected": [{"package": {"ecosystem": "PyPI", "name": "requests"},
                                                                "versions": ["2.31.0"]}]}) + "\n")
    monkeypatch.setenv("SECPLAN_OSV_DB", str(empty_db))
    doc = cli("platform", "scan", demo, "-f", "json", "--scanners", "vuln").json()
    assert [f["advisories"] for f in doc["findings"] if f["rule"] == "vulnerable-dependency"] == [["X-1"]]
