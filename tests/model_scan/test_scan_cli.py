"""``secplan model scan``: output formats, exit codes, policy files, errors, and the ledger event."""

from __future__ import annotations

import json
import pickle
from pathlib import Path

import pytest

from secplan.cli.app import main
from secplan.store.db import Store

from .corpus import call_system, su


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as exc:
        main(argv)
    out, err = capsys.readouterr()
    return int(exc.value.code or 0), out, err


@pytest.fixture
def samples(tmp_path: Path) -> dict[str, Path]:
    d = tmp_path / "models"
    d.mkdir()
    files = {"good.pkl": pickle.dumps({"w": [1.0, 2.0]}), "evil.pkl": call_system("id"),
             "plugin.pkl": b"\x80\x04" + su("acme.models") + su("Scorer") + b"\x93)R.",
             "notes.txt": b"just text"}
    for name, data in files.items():
        (d / name).write_bytes(data)
    return {name: d / name for name in files}


def test_json_report_shape_and_exit_1(samples: dict[str, Path], capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["model", "scan", str(samples["good.pkl"].parent), "-f", "json", "--no-record"], capsys)
    doc = json.loads(out)
    assert code == 1
    assert doc["summary"] == {"files": 3, "safe": 1, "suspicious": 1, "unsafe": 1, "error": 0, "unsupported": 0,
                              "no-unsafe-code": 1}
    by_name = {Path(f["path"]).name: f for f in doc["files"]}
    assert set(by_name) == {"good.pkl", "evil.pkl", "plugin.pkl"}  # the walk skips plain text
    evil = by_name["evil.pkl"]
    assert evil["verdict"] == "unsafe" and evil["format"] == "pickle"
    finding = evil["findings"][0]
    assert finding["rule"] == "pickle-dangerous-global" and finding["severity"] == "critical"
    assert finding["symbol"] == "os.system" and finding["offset"] == 2


def test_exit_codes(samples: dict[str, Path], capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["model", "scan", str(samples["good.pkl"]), "--no-record"], capsys)[0] == 0
    assert run(["model", "scan", str(samples["notes.txt"]), "--no-record"], capsys)[0] == 2
    assert run(["model", "scan", str(samples["evil.pkl"]), str(samples["notes.txt"]), "--no-record"], capsys)[0] == 1


def test_missing_path_is_a_clear_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(["model", "scan", str(tmp_path / "nope.pt")], capsys)
    assert code == 2 and out == ""
    assert "no such file" in err and "Traceback" not in err


def test_sarif_output_to_file(samples: dict[str, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "out" / "scan.sarif"
    code, out, _ = run(["model", "scan", str(samples["evil.pkl"]), str(samples["plugin.pkl"]), "-f", "sarif",
                        "-o", str(target), "--no-record"], capsys)
    assert code == 1 and out == ""
    doc = json.loads(target.read_text())
    assert doc["version"] == "2.1.0"
    rules = {r["id"]: r for r in doc["runs"][0]["tool"]["driver"]["rules"]}
    assert rules["pickle-dangerous-global"]["properties"]["security-severity"] == "9.5"
    assert rules["pickle-unknown-global"]["properties"]["security-severity"] == "8.0"
    results = doc["runs"][0]["results"]
    assert {r["ruleId"] for r in results} <= set(rules)
    assert any(r["locations"][0]["physicalLocation"]["region"]["byteOffset"] == 2 for r in results)


def test_policy_extends_the_allowlist_but_not_past_danger(samples: dict[str, Path], tmp_path: Path,
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    policy = tmp_path / "policy.yml"
    policy.write_text("allow:\n  - 'acme.models:[A-Z]*'\n  - 'os:*'\n  - 'posix:*'\n")
    code, out, _ = run(["model", "scan", str(samples["plugin.pkl"]), str(samples["evil.pkl"]), "--policy",
                        str(policy), "-f", "json", "--no-record"], capsys)
    verdicts = {Path(f["path"]).name: f["verdict"] for f in json.loads(out)["files"]}
    assert verdicts == {"plugin.pkl": "safe", "evil.pkl": "unsafe"}
    assert code == 1


def test_invalid_policy_names_the_file_and_writes_nothing(samples: dict[str, Path], tmp_path: Path,
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    policy = tmp_path / "policy.yml"
    policy.write_text("allow: [no-colon-here]\nsurprise: 1\n")
    target = tmp_path / "report.json"
    code, _, err = run(["model", "scan", str(samples["good.pkl"]), "--policy", str(policy), "-o", str(target),
                          "-f", "json"], capsys)
    assert code == 2 and str(policy) in err and "Traceback" not in err
    assert not target.exists()


def test_scan_is_recorded_in_the_ledger(store: Store, project_dir: Path, samples: dict[str, Path],
                                        capsys: pytest.CaptureFixture[str]) -> None:
    from secplan.ledger.query import find

    code, _, _ = run(["model", "scan", str(samples["evil.pkl"]), "-C", str(project_dir), "-f", "json"], capsys)
    assert code == 1
    entries = find(store, action="model.scan")
    assert len(entries) == 1
    details = json.loads(entries[0].details)
    assert entries[0].outcome == "failure"
    assert details["summary"]["unsafe"] == 1 and details["files"][0]["rules"] == ["pickle-dangerous-global"]


def test_fifo_is_an_error_not_a_hang(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import os

    fifo = tmp_path / "pipe.pkl"
    os.mkfifo(fifo)
    code, out, _ = run(["model", "scan", str(fifo), "-f", "json", "--no-record"], capsys)
    assert code == 2
    assert json.loads(out)["files"][0]["findings"][0]["message"] == "not a regular file"


def test_onnx_external_data_file_belongs_to_its_model(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import onnx

    from .corpus import onnx_model

    d = tmp_path / "exported"
    d.mkdir()
    onnx.save_model(onnx_model(), str(d / "model.onnx"), save_as_external_data=True, location="weights.bin",
                    size_threshold=0)
    code, out, _ = run(["model", "scan", str(d), "-f", "json", "--no-record"], capsys)
    formats = {Path(f["path"]).name: (f["format"], f["verdict"]) for f in json.loads(out)["files"]}
    assert formats == {"model.onnx": ("onnx", "safe"), "weights.bin": ("onnx-external-data", "safe")}
    assert code == 0
    # Alone, the same raw file is not recognised.
    code, out, _ = run(["model", "scan", str(d / "weights.bin"), "-f", "json", "--no-record"], capsys)
    assert code == 2 and json.loads(out)["files"][0]["verdict"] in {"error", "unsupported"}
