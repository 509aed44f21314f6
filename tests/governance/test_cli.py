"""The governance commands end to end: exit codes, no tracebacks, JSON output, reports and the bundle."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest

from secplan.cli.app import main
from secplan.store.db import Store

PLAN = """
version: 1
project: {name: credit, on_call: ana, frameworks: [eu-ai-act, nist-ai-rmf]}
assets:
  - {path: data/train.csv, classification: restricted, owner: ana}
"""


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as info:
        main(list(args))
    out, err = capsys.readouterr()
    return info.value.code, out, err


@pytest.fixture
def project(store: Store, project_dir: Path) -> Path:
    (project_dir / "secplan.yaml").write_text(PLAN)
    (project_dir / "data").mkdir()
    (project_dir / "data" / "train.csv").write_text("id,amount\n1,2\n")
    return project_dir


def test_cli_governance_flow(project: Path, capsys, monkeypatch) -> None:
    root = ["--root", str(project)]
    assert run(capsys, "users", "add", "vic", *root)[0] == 0
    assert run(capsys, "roles", "grant", "vic", "viewer", *root)[0] == 0
    code, out, _ = run(capsys, "tokens", "create", "vic", "--format", "json", *root)
    token = json.loads(out)
    assert code == 0 and token["token"].startswith("spt_") and token["user"] == "vic"
    code, out, _ = run(capsys, "tokens", "list", "--format", "json", *root)
    assert token["token"] not in out and json.loads(out)[0]["state"] == "active"

    monkeypatch.setenv("SECPLAN_TOKEN", token["token"])
    code, out, err = run(capsys, "people", "add", "eve", *root)
    assert code == 3 and "missing permission 'write' on 'person'" in err and "Traceback" not in err
    assert run(capsys, "roles", "grant", "vic", "admin", *root)[0] == 3
    assert run(capsys, "people", "list", "--format", "json", *root)[:2] == (0, "[]\n")
    monkeypatch.delenv("SECPLAN_TOKEN")

    code, _, err = run(capsys, "people", "add", "ana", "--asset", "data/train.csv", "--screening", "cleared",
                       "--screening-level", "standard", "--training", "Secure ML", "--completed", "2026-01-01",
                       *root)
    assert code == 0, err
    code, _, err = run(capsys, "people", "update", "ana", "--screening", "bogus", *root)
    assert code == 2 and "--screening 'bogus'" in err and "Traceback" not in err
    code, out, _ = run(capsys, "incident", "open", "secret in repo", "--type", "secret-leak", "--owner", "ana",
                       *root)
    assert code == 0 and out.strip() == "1"
    assert run(capsys, "incident", "update", "1", "--done", "1", "--phase", "contain", *root)[0] == 0
    code, out, _ = run(capsys, "incident", "show", "1", "--format", "json", *root)
    assert json.loads(out)["steps"][0]["done_by"]
    code, out, _ = run(capsys, "request", "create", "data.delete", "dataset:data/old.csv", *root)
    code, _, err = run(capsys, "approve", out.strip(), *root)
    assert code == 3 and "two-person rule" in err
    code, _, err = run(capsys, "attest", "PS-5", "--statement", "fw reviewed", "--evidence", "https://w/fw",
                       "--expires", "2020-01-01", *root)
    assert code == 2 and "future" in err
    code, out, _ = run(capsys, "audit", "log", "--format", "json", *root)
    assert code == 0 and '"access.deny"' in out and token["token"] not in out


def test_reports_from_the_stored_assessment_and_bundle(project: Path, capsys, tmp_path: Path) -> None:
    root = ["--root", str(project)]
    code, _, err = run(capsys, "report", "--framework", "eu-ai-act", *root)
    assert code == 2 and "secplan assess" in err
    code, _, err = run(capsys, "report", "--evidence-bundle", str(tmp_path / "early.zip"), *root)
    assert code == 2 and not list(tmp_path.glob("*early.zip*"))  # no partial file left behind
    assert run(capsys, "people", "add", "ana", "--asset", "data/train.csv", *root)[0] == 0
    assert run(capsys, "assess", str(project), "--format", "json", "-o", str(tmp_path / "a.json"))[0] in (0, 1)
    code, out, _ = run(capsys, "report", "--framework", "eu-ai-act", "--format", "json", *root)
    report = json.loads(out)
    assert code == 0 and report["framework"] == "eu-ai-act" and report["items"]
    assessed = json.loads((tmp_path / "a.json").read_text())
    hs1 = next(c for c in assessed["controls"] if c["id"] == "HS-1")
    assert hs1["status"] == "fail"  # ana reaches restricted data without training
    item_statuses = {c["control"]: c["status"] for i in report["items"] for c in i["controls"]}
    assert all(item_statuses[c["id"]] == c["status"] for c in assessed["controls"] if c["id"] in item_statuses)
    code, out, _ = run(capsys, "report", "--framework", "nist-ai-rmf", "--format", "html", *root)
    assert code == 0 and out.startswith("<!DOCTYPE html>") and "NIST AI RMF" in out
    bundle = tmp_path / "bundle.zip"
    assert run(capsys, "report", "--evidence-bundle", str(bundle), *root)[0] == 0
    with zipfile.ZipFile(bundle) as zf:
        names = set(zf.namelist())
        manifest = json.loads(zf.read("manifest.json"))
        verification = json.loads(zf.read("ledger-verification.json"))
        assert json.loads(zf.read("assessment.json"))["project"]["name"] == "credit"
    assert {"assessment.json", "attestations.json", "ledger.jsonl", "frameworks/eu-ai-act.html"} <= names
    assert {n.split("/")[1].split(".")[0] for n in names if n.startswith("frameworks/")} == {"eu-ai-act", "nist-ai-rmf"}
    assert set(manifest["files"]) == names - {"manifest.json"} and verification["ok"] is True
    code, _, err = run(capsys, "report", "--framework", "cobit", *root)
    assert code == 2 and "one of" in err

    finding = next(f for c in assessed["controls"] if c["id"] == "HS-1" for f in c["findings"]
                   if f["outcome"] == "negative")
    code, _, err = run(capsys, "incident", "open", "--from-finding", finding["id"], *root)
    assert code == 2 and "give --type" in err
    code, out, _ = run(capsys, "incident", "open", "--from-finding", finding["id"], "--type", "sensitive-data-leak",
                       *root)
    assert code == 0
    code, out, _ = run(capsys, "incident", "show", out.strip(), "--format", "json", *root)
    opened = json.loads(out)
    assert opened["finding"] == finding["id"] and opened["severity"] == finding["severity"]
    assert run(capsys, "incident", "open", "--from-finding", "nope/123", "--type", "secret-leak", *root)[0] == 2


def test_other_commands_check_access(project: Path, capsys, monkeypatch, tmp_path: Path) -> None:
    root = ["--root", str(project)]
    assert run(capsys, "users", "add", "val", *root)[0] == 0
    assert run(capsys, "roles", "grant", "val", "viewer", *root)[0] == 0
    code, out, _ = run(capsys, "tokens", "create", "val", "--format", "json", *root)
    monkeypatch.setenv("SECPLAN_TOKEN", json.loads(out)["token"])
    code, _, err = run(capsys, "assess", str(project), "-o", str(tmp_path / "r.txt"))
    assert code == 3 and "'write' on 'assessment'" in err
    assert run(capsys, "assess", str(project), "--no-store", "-o", str(tmp_path / "r.txt"))[0] in (0, 1)
    code, _, err = run(capsys, "decrypt", str(project / "data" / "train.csv.enc"), *root)
    assert code == 3 and "'decrypt' on 'encrypted'" in err
    code, _, err = run(capsys, "keys", "create", "k1", *root)
    assert code == 3 and "'administer' on 'key'" in err
    assert run(capsys, "audit", "verify", *root)[0] == 0


def test_show_commands_print_a_table_for_people_and_json_for_scripts(project: Path, capsys) -> None:
    root = ("--root", str(project))
    assert run(capsys, "vendors", "add", "LabelCo", "--service", "labelling", *root)[0] == 0
    code, out, _ = run(capsys, "vendors", "show", "LabelCo", *root)
    assert code == 0 and "field" in out and "LabelCo" in out
    code, out, _ = run(capsys, "vendors", "show", "LabelCo", "--format", "json", *root)
    assert code == 0 and json.loads(out)["name"] == "LabelCo"
